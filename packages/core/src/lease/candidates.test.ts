import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LeaseRecord } from '../model/lease';
import type { ControlPlanePod } from '../model/node';
import { candidatesFor, holderNode, LEASE_CANDIDATE_STALE_MS, nodeOfIdentity, setLeaseCandidates } from './candidates';
import { observeLease } from './tracker';

const trackOf = (holderIdentity: string | null) =>
  observeLease(
    undefined,
    {
      namespace: 'kube-system',
      name: 'kube-scheduler',
      holderIdentity,
      acquireTime: null,
      renewTime: null,
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      resourceVersion: '1',
      strategy: null,
    } satisfies LeaseRecord,
    0,
    DEFAULT_CONFIG,
  ).track;

describe('candidates', () => {
  it.each([
    ["from the holder's candidate entry", 'sched-a', [{ identity: 'sched-a', node: 'cp-2' }], 'cp-2'],
    ['from a client-go identity', 'cp-3_6c1f-…', [], 'cp-3'],
    ['an identity without hostname', 'scheduler', [], null],
    ['no holder', null, [], null],
  ])('holder node %s', (_name, holder, candidates, node) => {
    const track = setLeaseCandidates(
      trackOf(holder),
      candidates.map((c) => ({ ...c, source: 'lease-candidate' as const, observedRenewAt: null })),
      'lease-candidate',
    );
    expect(holderNode(track)).toBe(node);
  });

  it('an empty candidate list has no source', () => {
    expect(setLeaseCandidates(trackOf('a'), [], 'pod').candidatesSource).toBe('none');
  });
});

describe('nodeOfIdentity', () => {
  it.each([
    ['cp-1_6c1f', 'cp-1'],
    ['host_with_underscores_uuid', 'host_with_underscores'],
    ['scheduler', null],
    ['_uuid', null],
  ])('%s → %s', (identity, node) => expect(nodeOfIdentity(identity)).toBe(node));
});

describe('candidatesFor', () => {
  const T0 = 1_700_000_000_000;
  const track = observeLease(
    undefined,
    {
      namespace: 'kube-system',
      name: 'kube-controller-manager',
      holderIdentity: 'cp-1_a',
      acquireTime: null,
      renewTime: new Date(T0).toISOString(),
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      resourceVersion: '1',
      strategy: null,
    },
    T0,
    DEFAULT_CONFIG,
  ).track;
  const pods: ControlPlanePod[] = [1, 2, 3].map((n) => ({ name: `kube-controller-manager-cp-${n}`, component: 'kube-controller-manager', node: `cp-${n}`, podIP: `10.0.0.1${n}`, etcdServers: [] }));
  const podLive = (live: Record<string, boolean | null>) => ({
    now: T0,
    pod: (pod: ControlPlanePod) => ({ live: live[pod.node!] ?? null, basis: 'health-endpoint' as const, note: 'as the test says' }),
  });
  const candidate = (n: number, observedRenewAt: number) => ({ identity: `cp-${n}_x`, leaseName: 'kube-controller-manager', observedRenewAt });

  it('pods carry what their own health endpoint said', () => {
    const found = candidatesFor(track, false, [], pods, podLive({ 'cp-1': true, 'cp-2': false }));
    expect(found.source).toBe('pod');
    expect(found.candidates.map((c) => [c.node, c.live])).toEqual([
      ['cp-1', true],
      ['cp-2', false],
      ['cp-3', null],
    ]);
  });

  it('LeaseCandidates: a stale renewal or a dead pod on the same node is not live', () => {
    const objects = [candidate(1, T0), candidate(2, T0 - LEASE_CANDIDATE_STALE_MS - 1), candidate(3, T0)];
    const found = candidatesFor(track, true, objects, pods, podLive({ 'cp-3': false }));
    expect(found.source).toBe('lease-candidate');
    expect(found.candidates.map((c) => [c.identity, c.node, c.live])).toEqual([
      ['cp-1_x', 'cp-1', true],
      ['cp-2_x', 'cp-2', false],
      ['cp-3_x', 'cp-3', false],
    ]);
    expect(found.candidates.map((c) => c.liveBasis)).toEqual(['lease-candidate', 'lease-candidate', 'health-endpoint']);
  });

  it('LeaseCandidates of another lease, or not served, fall back to the pods', () => {
    expect(candidatesFor(track, true, [{ ...candidate(1, T0), leaseName: 'kube-scheduler' }], pods, podLive({})).source).toBe('pod');
    expect(candidatesFor(track, false, [candidate(1, T0)], pods, podLive({})).source).toBe('pod');
  });
});
