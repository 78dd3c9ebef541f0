import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { LeaseCandidate, LeaseRecord } from '../model/lease';
import type { ControlPlanePod } from '../model/node';
import {
  candidatesFor,
  holderNode,
  LEASE_CANDIDATE_STALE_MS,
  nodeOfIdentity,
  setLeaseCandidates,
  standbysOf,
} from './candidates';
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

type Entry = readonly [identity: string, node: string | null, live?: boolean | null];
const lc = (...entries: Entry[]) => ({ source: 'lease-candidate' as const, entries });
const pods = (...entries: Entry[]) => ({ source: 'pod' as const, entries });

describe('standbysOf', () => {
  // Each row: the holder, the candidates as observed, who could take over if the holder died now.
  it.each<[string, string | null, { source: LeaseCandidate['source']; entries: Entry[] }, string[]]>([
    [
      "LeaseCandidates: the holder's own is left out",
      'cp-1_a',
      lc(['cp-1_a', 'cp-1'], ['cp-2_b', 'cp-2'], ['cp-3_c', 'cp-3']),
      ['cp-2_b', 'cp-3_c'],
    ],
    // A second process on the holder's node survives the holder's crash (not its node's loss: failure-impact's part).
    [
      "two LeaseCandidates on the holder's node: the other process stands by",
      'cp-1_a',
      lc(['cp-1_a', 'cp-1'], ['cp-1_b', 'cp-1'], ['cp-2_c', 'cp-2']),
      ['cp-1_b', 'cp-2_c'],
    ],
    [
      "LeaseCandidates without the holder's own: each is another process",
      'cp-1_a',
      lc(['cp-2_b', 'cp-2'], ['cp-3_c', 'cp-3']),
      ['cp-2_b', 'cp-3_c'],
    ],
    [
      "pods: the one on the holder's node is the holder",
      'cp-1_a',
      pods(['kcm-cp-1', 'cp-1'], ['kcm-cp-2', 'cp-2'], ['kcm-cp-3', 'cp-3']),
      ['kcm-cp-2', 'kcm-cp-3'],
    ],
    // The holder runs somewhere: one of the pods hawk cannot place is it, or it would count as its own standby.
    [
      'pods whose node is not known yet: one of them is the holder',
      'cp-1_a',
      pods(['kcm-a', null], ['kcm-b', null], ['kcm-c', null]),
      ['kcm-b', 'kcm-c'],
    ],
    [
      'pods on other nodes and one not placed yet: that one is the holder',
      'cp-1_a',
      pods(['kcm-cp-2', 'cp-2'], ['kcm-x', null], ['kcm-cp-3', 'cp-3']),
      ['kcm-cp-2', 'kcm-cp-3'],
    ],
    [
      'pods, the hostname not a node name: one of them is the holder',
      'ip-10-0-0-1_a',
      pods(['kcm-1', 'ip-10-0-0-1.ec2.internal'], ['kcm-2', 'ip-10-0-0-2.ec2.internal']),
      ['kcm-2'],
    ],
    [
      'a hostname with underscores: the node is all before the last one',
      'cp_1_a',
      pods(['kcm-1', 'cp_1'], ['kcm-2', 'cp_2']),
      ['kcm-2'],
    ],
    [
      'a dead candidate is no standby; one not observable is',
      'cp-1_a',
      lc(['cp-1_a', 'cp-1'], ['cp-2_b', 'cp-2', false], ['cp-3_c', 'cp-3', null]),
      ['cp-3_c'],
    ],
    [
      "pods: a dead holder's pod is still the holder's",
      'cp-1_a',
      pods(['kcm-cp-1', 'cp-1', false], ['kcm-cp-2', 'cp-2']),
      ['kcm-cp-2'],
    ],
    [
      'no holder: every live candidate may acquire',
      null,
      pods(['kcm-cp-1', 'cp-1'], ['kcm-cp-2', 'cp-2', false]),
      ['kcm-cp-1'],
    ],
    ['no candidates', 'cp-1_a', lc(), []],
  ])('%s', (_name, holder, { source, entries }, expected) => {
    const candidates = entries.map(([identity, node, live]): LeaseCandidate => ({
      identity,
      node,
      source,
      observedRenewAt: null,
      ...(live === undefined ? {} : { live }),
    }));
    const standbys = standbysOf(setLeaseCandidates(trackOf(holder), candidates, source));
    expect(standbys.map((s) => s.identity)).toEqual(expected);
    for (const standby of standbys) {
      const candidate = candidates.find((c) => c.identity === standby.identity)!;
      expect(standby).toEqual({
        identity: candidate.identity,
        node: candidate.node,
        source,
        live: candidate.live ?? null,
      });
    }
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
  const pods: ControlPlanePod[] = [1, 2, 3].map((n) => ({
    name: `kube-controller-manager-cp-${n}`,
    component: 'kube-controller-manager',
    node: `cp-${n}`,
    podIP: `10.0.0.1${n}`,
    etcdServers: [],
  }));
  const podLive = (live: Record<string, boolean | null>) => ({
    now: T0,
    pod: (pod: ControlPlanePod) => ({
      live: live[pod.node!] ?? null,
      basis: 'health-endpoint' as const,
      note: 'as the test says',
    }),
  });
  const candidate = (n: number, observedRenewAt: number) => ({
    identity: `cp-${n}_x`,
    leaseName: 'kube-controller-manager',
    observedRenewAt,
  });

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
    expect(
      candidatesFor(track, true, [{ ...candidate(1, T0), leaseName: 'kube-scheduler' }], pods, podLive({})).source,
    ).toBe('pod');
    expect(candidatesFor(track, false, [candidate(1, T0)], pods, podLive({})).source).toBe('pod');
  });
});
