import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  evaluateCluster,
  type EtcdMemberStatus,
  type LeaseRecord,
  type ProbeResult,
  type TimelineEvent,
} from '@hawk/core';
import type { EndpointProbe } from '../../src/probes/apiserver-probe';
import type { EtcdEndpointAnswer } from '../../src/probes/etcd-probe';
import type { PodObservation } from '../../src/sources/pods';
import { SERVER_DEFAULTS } from '../../src/defaults';
import { ClusterObservationFold, type FoldTarget } from '../../src/hub/observation-fold';
import { FRONT_DOOR, type KnownEndpoint } from '../../src/hub/assemble';
import { leaseWatchStaleAfterMs } from '../../src/sources/registry';

// The fold is pure: watch events and probe results in, ClusterInput out, on a fake clock.
const T0 = 1_700_000_000_000;

function world(target: Partial<FoldTarget> = {}) {
  let now = T0;
  const events: TimelineEvent[] = [];
  const endpointChanges: { endpoints: readonly KnownEndpoint[]; added: boolean }[] = [];
  let componentsAdded = 0;
  let changes = 0;
  const fold = new ClusterObservationFold(
    {
      identity: { id: 'c', context: 'c', name: 'c', server: 'https://10.0.0.10:6443', labels: {} },
      error: null,
      etcdConfigured: false,
      etcdError: null,
      ...target,
    },
    DEFAULT_CONFIG,
    () => now,
    T0,
    {
      changed: () => (changes += 1),
      timeline: (event) => events.push(event),
      endpointsChanged: (endpoints, added) => endpointChanges.push({ endpoints, added }),
      componentsAdded: () => (componentsAdded += 1),
    },
  );
  return {
    fold,
    events,
    endpointChanges,
    get componentsAdded() {
      return componentsAdded;
    },
    get changes() {
      return changes;
    },
    advance(ms: number) {
      now += ms;
    },
    get now() {
      return now;
    },
    /** Every watch synced, as the supervisors report it. */
    synced() {
      for (const source of ['leases', 'identity-leases', 'lease-candidates', 'endpointslice', 'pods', 'nodes'] as const)
        fold.recordFreshness(source, { state: 'live', lastEventAt: now });
    },
  };
}

const slice = (...addresses: string[]) =>
  new Map([
    [
      'kubernetes',
      {
        name: 'kubernetes',
        endpoints: addresses.map((address) => ({ address, port: 6443, ready: true, nodeName: null })),
      },
    ],
  ]);
const result = (at: number, ok: boolean): ProbeResult => ({
  at,
  ok,
  httpStatus: ok ? 200 : null,
  latencyMs: ok ? 3 : null,
  failedChecks: [],
  error: ok ? null : 'connect ECONNREFUSED',
});
const probe = (at: number, ok: boolean, etcdOk: boolean | null = ok): EndpointProbe => ({
  livez: result(at, ok),
  readyz: result(at, ok),
  etcdOk,
});
const lease = (name: string, holderIdentity: string | null, renewTime: string): LeaseRecord => ({
  namespace: 'kube-system',
  name,
  holderIdentity,
  acquireTime: null,
  renewTime,
  leaseDurationSeconds: 15,
  leaseTransitions: 0,
  resourceVersion: renewTime,
  strategy: null,
});
const pod = (name: string, component: string, node: string, extra: Partial<PodObservation> = {}) =>
  ({
    name,
    component,
    node,
    podIP: null,
    etcdServers: [],
    health: null,
    quotaBackendBytes: null,
    ...extra,
  }) as PodObservation;
const status = (leaderId: string, raftTerm: string): EtcdMemberStatus => ({
  leaderId,
  raftTerm,
  raftIndex: '1',
  dbSizeBytes: 1,
  dbSizeInUseBytes: 1,
  version: '3.6.8',
  isLearner: false,
  errors: [],
});
const members = [1, 2, 3].map((n) => ({
  id: `m${n}`,
  name: `cp-${n}`,
  peerURLs: [],
  clientURLs: [`https://10.0.0.1${n}:2379`],
  isLearner: false,
}));
const answer = (n: number, leader: string | null, term = '5'): EtcdEndpointAnswer =>
  leader === null
    ? {
        endpoint: `https://10.0.0.1${n}:2379`,
        memberId: null,
        status: null,
        members: null,
        alarms: null,
        error: 'timeout',
      }
    : {
        endpoint: `https://10.0.0.1${n}:2379`,
        memberId: `m${n}`,
        status: status(leader, term),
        members,
        alarms: [],
        error: null,
      };

describe('apiserver endpoints', () => {
  it('keeps an endpoint that left the slice, then forgets it after forgetEndpointMs without an answer', () => {
    const w = world();
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11', '10.0.0.12'));
    expect(w.endpointChanges.at(-1)?.added).toBe(true);
    w.fold.recordApiserverProbe('10.0.0.12:6443', probe(w.now, true), 'apiserver 10.0.0.12:6443');
    w.advance(1000);
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    w.fold.recordApiserverProbe('10.0.0.12:6443', probe(w.now, false), 'apiserver 10.0.0.12:6443');
    const kept = w.fold.input().apiServers.find((instance) => instance.id === '10.0.0.12:6443');
    expect(kept).toMatchObject({ inEndpointSlice: false, health: { readyz: { ok: false } } });
    w.advance(SERVER_DEFAULTS.forgetEndpointMs);
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    expect(w.fold.input().apiServers.map((instance) => instance.id)).toContain('10.0.0.12:6443');
    w.advance(1);
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    expect(w.fold.input().apiServers.map((instance) => instance.id)).toEqual(['10.0.0.11:6443']);
    expect(w.fold.apiserverTargets()).toEqual([FRONT_DOOR, '10.0.0.11:6443']);
    expect(w.endpointChanges.at(-1)?.endpoints.map((endpoint) => endpoint.address)).toEqual(['10.0.0.11']);
  });

  it('keeps an endpoint out of the slice for good while it still answers', () => {
    const w = world();
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11', '10.0.0.12'));
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    w.advance(SERVER_DEFAULTS.forgetEndpointMs + 1000);
    w.fold.recordApiserverProbe('10.0.0.12:6443', probe(w.now, true), 'x');
    w.advance(60_000);
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    expect(w.fold.input().apiServers.find((instance) => instance.id === '10.0.0.12:6443')?.inEndpointSlice).toBe(false);
  });

  it('says when a probe fails and when it recovers, once each', () => {
    const w = world();
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    for (const ok of [true, false, false, true, true])
      w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, ok), 'apiserver 10.0.0.11:6443');
    expect(w.events.map((event) => event.kind)).toEqual(['probe-failed', 'probe-recovered']);
  });

  it("keeps when the front door's current run of failures began, the start of LoadBalancerUnreachable's grace", () => {
    const w = world();
    const failingSince = () => w.fold.input().frontDoor.health.failingSince;
    w.fold.recordApiserverProbe(FRONT_DOOR, probe(w.now, true), 'front door');
    expect(failingSince()).toBeNull();
    w.advance(4_000);
    const first = w.now;
    w.fold.recordApiserverProbe(FRONT_DOOR, probe(w.now, false), 'front door');
    w.advance(2_000);
    w.fold.recordApiserverProbe(FRONT_DOOR, probe(w.now, false), 'front door');
    expect(failingSince()).toBe(first);
    w.fold.recordApiserverProbe(FRONT_DOOR, probe(w.now, true), 'front door');
    expect(failingSince()).toBeNull();
  });
});

describe('reachability', () => {
  it.each([
    ['connecting during the first look', 0, false, false, 'connecting'],
    ['connecting until every known apiserver was probed', SERVER_DEFAULTS.firstLookMs - 1, true, false, 'connecting'],
    ['reachable once a watch is live', SERVER_DEFAULTS.firstLookMs, true, false, 'reachable'],
    ['reachable when only a probe answered', SERVER_DEFAULTS.firstLookMs, false, true, 'reachable'],
    ['unreachable past the first look with no answer', SERVER_DEFAULTS.firstLookMs, false, false, 'unreachable'],
  ])('%s', (_, elapsed, watching, answered, state) => {
    const w = world();
    w.advance(elapsed);
    if (watching) w.synced();
    if (answered)
      w.fold.recordApiserverProbe(
        FRONT_DOOR,
        { ...probe(w.now, false), readyz: { ...result(w.now, false), httpStatus: 500 } },
        'front door',
      );
    expect(w.fold.input().reachability.state).toBe(state);
  });

  it('keeps the time it became unreachable', () => {
    const w = world();
    w.advance(SERVER_DEFAULTS.firstLookMs);
    const first = w.fold.input().reachability;
    w.advance(5000);
    expect(w.fold.input().reachability).toEqual(first);
    expect(first).toMatchObject({
      state: 'unreachable',
      since: T0 + SERVER_DEFAULTS.firstLookMs,
      error: 'no answer from any apiserver',
    });
  });

  it('a misconfigured cluster is unreachable from the start, with its error', () => {
    expect(world({ error: 'context "x" is not in the kubeconfig' }).fold.input().reachability).toEqual({
      state: 'unreachable',
      error: 'context "x" is not in the kubeconfig',
      since: T0,
    });
  });
});

describe('leases', () => {
  it('tracks leader leases with candidates from pods, and reports a transition', () => {
    const w = world();
    w.fold.sinks.pods.replace(
      new Map(
        [1, 2].map((n) => [`kube-scheduler-cp-${n}`, pod(`kube-scheduler-cp-${n}`, 'kube-scheduler', `cp-${n}`)]),
      ),
    );
    w.fold.sinks.leases.replace(new Map([['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')]]));
    // kube's 15 s lease: renewals expected every 2 s (+35 % until learned).
    expect(w.fold.leaseWatchSilenceBudgetMs()).toBe(2700);
    w.advance(2000);
    w.fold.sinks.leases.upsert('kube-system/kube-scheduler', lease('kube-scheduler', 'cp-2_b', 't2'));
    const track = w.fold.input().leases['kube-system/kube-scheduler']!;
    expect(track.candidatesSource).toBe('pod');
    expect(track.candidates.map((candidate) => candidate.node)).toEqual(['cp-1', 'cp-2']);
    expect(w.events).toMatchObject([
      { kind: 'leader-transition', at: T0 + 2000, transition: { from: 'cp-1_a', to: 'cp-2_b' } },
    ]);
  });

  it.each([
    ['no lease held: a quiet cluster', [], 120_000],
    ["kube's 2 s elector: the 10 s floor", [15], 10_000],
    ["OpenShift's 26 s elector: a second before its renewal falls overdue (26 s + 35 %)", [137], 34_100],
    ['both: the soonest renewal due', [137, 15], 10_000],
  ])('the leases watch is restarted after silence: %s', (_name, durations, staleAfterMs) => {
    const w = world();
    const held = durations.map(
      (seconds, i) =>
        [`kube-system/l${i}`, { ...lease(`l${i}`, 'cp-1_a', 't1'), leaseDurationSeconds: seconds }] as const,
    );
    w.fold.sinks.leases.replace(new Map(held));
    expect(leaseWatchStaleAfterMs(w.fold.leaseWatchSilenceBudgetMs())).toBe(staleAfterMs);
  });

  it('a deleted component lease is shown without holder; any other deleted lease is gone', () => {
    const w = world();
    w.fold.sinks.leases.replace(
      new Map([
        ['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')],
        ['kube-system/my-operator', lease('my-operator', 'x', 't1')],
      ]),
    );
    w.fold.sinks.leases.remove('kube-system/kube-scheduler');
    w.fold.sinks.leases.remove('kube-system/my-operator');
    expect(Object.entries(w.fold.input().leases).map(([key, track]) => [key, track.record])).toEqual([
      ['kube-system/kube-scheduler', null],
    ]);
  });

  it('uses LeaseCandidates when served, stamped when they renew', () => {
    const w = world();
    w.synced();
    w.fold.sinks.leases.replace(new Map([['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')]]));
    const candidate = (renewTime: string) => ({
      name: 'kube-scheduler-cp-2_b',
      leaseName: 'kube-scheduler',
      renewTime,
      binaryVersion: null,
      emulationVersion: null,
    });
    w.fold.sinks.leaseCandidates.replace(new Map([['kube-scheduler-cp-2_b', candidate('r1')]]));
    w.advance(60_000);
    w.fold.sinks.leaseCandidates.replace(new Map([['kube-scheduler-cp-2_b', candidate('r1')]]));
    const track = w.fold.input().leases['kube-system/kube-scheduler']!;
    expect(track.candidates).toEqual([
      {
        identity: 'cp-2_b',
        node: 'cp-2',
        source: 'lease-candidate',
        observedRenewAt: T0,
        live: true,
        liveBasis: 'lease-candidate',
        liveNote: 'its LeaseCandidate is renewed',
      },
    ]);
    w.fold.sinks.leaseCandidates.upsert('kube-scheduler-cp-2_b', candidate('r2'));
    expect(w.fold.input().leases['kube-system/kube-scheduler']!.candidates[0]!.observedRenewAt).toBe(T0 + 60_000);
  });

  it("after hawk's own pause, leases, identities and candidates are observed afresh, not judged silent", () => {
    const w = world();
    w.synced();
    w.fold.sinks.leases.replace(new Map([['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')]]));
    w.fold.sinks.identityLeases.replace(
      new Map([
        [
          'apiserver-abc',
          { name: 'apiserver-abc', hostname: 'cp-1', holderIdentity: 'apiserver-abc_x', renewTime: 'r1' },
        ],
      ]),
    );
    const before = w.changes;
    // Frozen for 20 s: no watch event could be folded meanwhile. Judged as is, the leader looks lost.
    w.advance(20_000);
    w.synced();
    const rulesOf = () =>
      evaluateCluster(w.fold.input(), null, DEFAULT_CONFIG, w.now).state.findings.map((finding) => finding.ruleId);
    expect(rulesOf().some((rule) => rule === 'LeaderElectionLeaderLost' || rule === 'LeaderElectionRenewOverdue')).toBe(
      true,
    );
    w.fold.resumeAfterPause(w.now, 1000);
    const input = w.fold.input();
    expect(input.leases['kube-system/kube-scheduler']!.observedRenewAt).toBe(T0 + 20_000);
    expect(input.apiServers[0]).toMatchObject({ identityRenewedAt: T0 + 20_000 });
    expect(w.changes).toBeGreaterThan(before);
    // So the core judges the leader renewing, not lost, at the moment hawk resumes.
    expect(rulesOf()).not.toContain('LeaderElectionLeaderLost');
    expect(rulesOf()).not.toContain('LeaderElectionRenewOverdue');
  });

  it("after hawk's own pause, a probe that timed out across it is not believed; one failing after a timeout is", () => {
    const w = world();
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, true), 'apiserver 10.0.0.11:6443');
    w.advance(20_000);
    w.fold.resumeAfterPause(w.now, 1000);
    // In flight while hawk was frozen: its timeout fired on the thaw.
    w.advance(500);
    w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, false), 'apiserver 10.0.0.11:6443');
    expect(w.fold.input().apiServers[0]).toMatchObject({ health: { readyz: { ok: true } } });
    expect(w.events.map((event) => event.kind)).toEqual([]);
    w.advance(1000);
    w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, false), 'apiserver 10.0.0.11:6443');
    expect(w.fold.input().apiServers[0]).toMatchObject({ health: { readyz: { ok: false } } });
    expect(w.events.map((event) => event.kind)).toEqual(['probe-failed']);
  });

  it('stamps an identity lease only when it renews', () => {
    const w = world();
    const identity = (renewTime: string) => ({
      name: 'apiserver-abc',
      hostname: 'cp-1',
      holderIdentity: 'apiserver-abc_x',
      renewTime,
    });
    w.fold.sinks.identityLeases.replace(new Map([['apiserver-abc', identity('r1')]]));
    w.advance(10_000);
    w.fold.sinks.identityLeases.upsert('apiserver-abc', identity('r1'));
    expect(w.fold.input().apiServers[0]).toMatchObject({ id: 'identity:apiserver-abc', identityRenewedAt: T0 });
    w.fold.sinks.identityLeases.upsert('apiserver-abc', identity('r2'));
    expect(w.fold.input().apiServers[0]).toMatchObject({ identityRenewedAt: T0 + 10_000 });
  });
});

describe('component health', () => {
  const scheduler = pod('kube-scheduler-cp-1', 'kube-scheduler', 'cp-1', { health: { host: null, port: 10259 } });
  it('counts an unanswered probe of a live component from the second in a row; a refusal at once', () => {
    const w = world();
    w.fold.sinks.nodes.replace(
      new Map([['cp-1', { name: 'cp-1', addresses: ['10.0.0.11'], zone: null, ready: true }]]),
    );
    w.fold.sinks.pods.replace(new Map([[scheduler.name, scheduler]]));
    w.fold.sinks.leases.replace(new Map([['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')]]));
    const live = () => w.fold.input().leases['kube-system/kube-scheduler']!.candidates[0]!.live;
    const silent = { live: false, httpStatus: null, error: 'no answer within 1500 ms' } as const;
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: true, httpStatus: 200, error: null },
      'kube-scheduler on cp-1',
    );
    w.advance(2000);
    // hawk (or the node) starved for a moment: one probe unanswered, then answered.
    w.fold.recordComponentProbe(scheduler.name, { at: w.now, ...silent }, 'kube-scheduler on cp-1');
    expect(live()).toBe(true);
    w.advance(2000);
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: true, httpStatus: 200, error: null },
      'kube-scheduler on cp-1',
    );
    expect(w.events).toEqual([]);
    // Frozen: unanswered twice in a row.
    for (const _ of [1, 2]) {
      w.advance(2000);
      w.fold.recordComponentProbe(scheduler.name, { at: w.now, ...silent }, 'kube-scheduler on cp-1');
    }
    expect(live()).toBe(false);
    expect(w.events.map((event) => event.kind)).toEqual(['probe-failed']);
    // Answered again, then refused: the process is gone, counted at once.
    w.advance(2000);
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: true, httpStatus: 200, error: null },
      'kube-scheduler on cp-1',
    );
    w.advance(2000);
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: false, httpStatus: null, error: 'connect ECONNREFUSED' },
      'kube-scheduler on cp-1',
    );
    expect(live()).toBe(false);
  });

  it('probes a new component at once, by its node address, and forgets a pod that left', () => {
    const w = world();
    w.fold.sinks.nodes.replace(
      new Map([['cp-1', { name: 'cp-1', addresses: ['cp-1.example', '10.0.0.11'], zone: null, ready: true }]]),
    );
    w.fold.sinks.pods.replace(new Map([[scheduler.name, scheduler]]));
    expect(w.componentsAdded).toBe(1);
    expect(w.fold.componentTargets()).toEqual([scheduler.name]);
    expect(w.fold.healthAddress(scheduler.name)).toMatchObject({ host: '10.0.0.11', port: 10259 });
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: false, httpStatus: null, error: 'refused' },
      'kube-scheduler on cp-1',
    );
    expect(w.events.map((event) => event.kind)).toEqual(['probe-failed']);
    w.fold.sinks.leases.replace(new Map([['kube-system/kube-scheduler', lease('kube-scheduler', 'cp-1_a', 't1')]]));
    expect(w.fold.input().leases['kube-system/kube-scheduler']!.candidates[0]!.live).toBe(false);
    w.fold.sinks.pods.remove(scheduler.name);
    // A probe that was in flight when the pod left is ignored.
    w.fold.recordComponentProbe(
      scheduler.name,
      { at: w.now, live: true, httpStatus: 200, error: null },
      'kube-scheduler on cp-1',
    );
    expect(w.events).toHaveLength(1);
    expect(w.fold.componentTargets()).toEqual([]);
  });

  it('a component whose health hawk cannot reach is not a target', () => {
    const w = world();
    w.fold.sinks.pods.replace(
      new Map([['s', pod('s', 'kube-scheduler', 'cp-1', { health: { reason: 'bound to 127.0.0.1' } })]]),
    );
    expect(w.fold.componentTargets()).toEqual([]);
  });
});

describe('etcd', () => {
  it('asked directly: the leader by the highest term, failures, recoveries and leader changes', () => {
    const w = world({ etcdConfigured: true });
    expect(w.fold.input().etcd.freshness.state).toBe('reconnecting');
    w.fold.recordEtcdRound([answer(1, 'm1'), answer(2, 'm1'), answer(3, 'm1')]);
    expect(w.fold.input().etcd).toMatchObject({
      source: 'etcd-api',
      leaderId: 'm1',
      raftTerm: '5',
      freshness: { state: 'live' },
    });
    w.advance(1000);
    // m1 is cut off and still believes it leads, in an older term.
    w.fold.recordEtcdRound([answer(1, 'm1', '5'), answer(2, 'm2', '6'), answer(3, null)]);
    expect(w.fold.input().etcd).toMatchObject({ leaderId: 'm2', raftTerm: '6' });
    w.advance(1000);
    w.fold.recordEtcdRound([answer(1, 'm2', '6'), answer(2, 'm2', '6'), answer(3, 'm2', '6')]);
    expect(
      w.events.map((event) => [event.kind, 'target' in event ? event.target : 'to' in event ? event.to : null]),
    ).toEqual([
      ['probe-failed', 'etcd https://10.0.0.13:2379'],
      ['etcd-leader-change', 'm2'],
      ['probe-recovered', 'etcd https://10.0.0.13:2379'],
    ]);
  });

  it("not configured: judged from the apiservers' /readyz after each probe round", () => {
    const w = world({ etcdError: null });
    expect(w.fold.input().sources.etcd).toMatchObject({ state: 'unavailable' });
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11', '10.0.0.12', '10.0.0.13'));
    w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, true, true), 'a');
    w.fold.recordApiserverProbe('10.0.0.12:6443', probe(w.now, false, false), 'b');
    w.fold.recordApiserverProbe('10.0.0.13:6443', probe(w.now, false, null), 'c');
    w.fold.recordApiserverRound();
    expect(w.fold.input().etcd).toMatchObject({
      source: 'apiserver-readyz',
      readyzEtcd: { ok: 1, answered: 2 },
      freshness: { state: 'live' },
    });
    expect(w.fold.probeRounds).toBe(1);
  });

  it("the quota is the smallest etcd pod's, and the topology follows the nodes", () => {
    const w = world({ etcdConfigured: true });
    w.fold.sinks.nodes.replace(
      new Map(
        [1, 2, 3].map((n) => [`cp-${n}`, { name: `cp-${n}`, addresses: [`10.0.0.1${n}`], zone: null, ready: true }]),
      ),
    );
    w.fold.sinks.pods.replace(
      new Map([
        [`etcd-cp-1`, pod('etcd-cp-1', 'etcd', 'cp-1', { quotaBackendBytes: 8 * 1024 ** 3 })],
        [`etcd-cp-2`, pod('etcd-cp-2', 'etcd', 'cp-2', { quotaBackendBytes: 4 * 1024 ** 3 })],
      ]),
    );
    w.fold.recordEtcdRound([answer(1, 'm1'), answer(2, 'm1'), answer(3, 'm1')]);
    expect(w.fold.input().etcd).toMatchObject({ quotaBytes: 4 * 1024 ** 3, topology: 'stacked' });
  });
});

describe('a hidden control plane', () => {
  it('once every watch synced with no control-plane object, etcd is managed-hidden and the core says not-visible', () => {
    const w = world();
    expect(w.fold.input().controlPlaneHidden).toBe(false);
    w.synced();
    w.fold.sinks.endpointSlices.replace(slice('10.0.0.11'));
    w.fold.recordApiserverProbe('10.0.0.11:6443', probe(w.now, true, null), 'a');
    w.fold.recordApiserverRound();
    const input = w.fold.input();
    expect(input.controlPlaneHidden).toBe(true);
    expect(input.etcd.topology).toBe('managed-hidden');
    expect(evaluateCluster(input, null, DEFAULT_CONFIG, w.now).state.verdict).toBe('not-visible');
  });
});

describe('changes', () => {
  it('every sink and record says it changed, so the owner judges again', () => {
    const w = world();
    const before = w.changes;
    w.fold.sinks.nodes.upsert('cp-1', { name: 'cp-1', addresses: [], zone: null, ready: true });
    w.fold.sinks.nodes.remove('cp-1');
    w.fold.recordFreshness('nodes', { state: 'live', lastEventAt: w.now });
    expect(w.changes - before).toBe(3);
  });
});
