import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LeaseRecord } from '../model/lease';
import { holderNode, setLeaseCandidates } from './candidates';
import { observeLease } from './tracker';

const trackOf = (holderIdentity: string | null) =>
  observeLease(undefined, { namespace: 'kube-system', name: 'kube-scheduler', holderIdentity, acquireTime: null, renewTime: null, leaseDurationSeconds: 15, leaseTransitions: 0, resourceVersion: '1', strategy: null } satisfies LeaseRecord, 0, DEFAULT_CONFIG).track;

describe('candidates', () => {
  it.each([
    ['from the holder\'s candidate entry', 'sched-a', [{ identity: 'sched-a', node: 'cp-2' }], 'cp-2'],
    ['from a client-go identity', 'cp-3_6c1f-…', [], 'cp-3'],
    ['an identity without hostname', 'scheduler', [], null],
    ['no holder', null, [], null],
  ])('holder node %s', (_name, holder, candidates, node) => {
    const track = setLeaseCandidates(trackOf(holder), candidates.map((c) => ({ ...c, source: 'lease-candidate' as const, observedRenewAt: null })), 'lease-candidate');
    expect(holderNode(track)).toBe(node);
  });

  it('an empty candidate list has no source', () => {
    expect(setLeaseCandidates(trackOf('a'), [], 'pod').candidatesSource).toBe('none');
  });
});
