import type { ApiServerInstance, ClusterState, EtcdMember, Finding, LeaseView, ProbeResult } from '@hawk/core';
import { computeQuorum, DEFAULT_CONFIG, expectRenewal, judgeEtcdDb, MODEL_VERSION, standbysOf } from '@hawk/core';
import { anEtcdView } from '@hawk/core/testing';

// A judged state of a healthy 3-node HA cluster, built by hand: the transport moves states, it
// does not judge them, so its tests need states of known shape rather than real rule output.

export const T0 = Date.parse('2025-06-01T12:00:00Z');

const probe = (ok: boolean, at: number, latencyMs: number | null = 12): ProbeResult => ({
  at,
  ok,
  httpStatus: ok ? 200 : null,
  latencyMs: ok ? latencyMs : null,
  failedChecks: [],
  error: ok ? null : 'connect ECONNREFUSED',
});

export function apiServer(index: number, ok = true, at = T0): ApiServerInstance {
  return {
    id: `127.0.0.1:${6440 + index}`,
    address: '127.0.0.1',
    port: 6440 + index,
    host: `cp-${index}`,
    node: `cp-${index}`,
    inEndpointSlice: true,
    identityLease: `apiserver-${index}abc`,
    identityRenewedAt: at - 1_000,
    health: { livez: probe(ok, at), readyz: probe(ok, at), lastOkAt: ok ? at : null, okSince: ok ? at - 60_000 : null },
  };
}

export function etcdMember(index: number, reachable = true): EtcdMember {
  return {
    id: String(10_000_000_000_000_000_000n + BigInt(index)),
    name: `etcd-${index}`,
    peerURLs: [`https://127.0.0.1:${2380 + index * 10}`],
    clientURLs: [`https://127.0.0.1:${2379 + index * 10}`],
    isLearner: false,
    reachable,
    status: reachable
      ? {
          leaderId: '10000000000000000001',
          raftTerm: '4',
          raftIndex: '1200',
          dbSizeBytes: 4_194_304,
          dbSizeInUseBytes: 2_000_000,
          version: '3.5.21',
          isLearner: false,
          errors: [],
        }
      : null,
    error: reachable ? null : 'context deadline exceeded',
    checkedAt: T0,
  };
}

export function lease(component: string, holder: string | null, observedRenewAt = T0 - 2_000): LeaseView {
  const view: Omit<LeaseView, 'standbys'> = {
    namespace: 'kube-system',
    name: component,
    component,
    record: {
      namespace: 'kube-system',
      name: component,
      holderIdentity: holder,
      acquireTime: '2025-06-01T11:00:00Z',
      renewTime: '2025-06-01T11:59:58Z',
      leaseDurationSeconds: 15,
      leaseTransitions: 3,
      resourceVersion: '812',
      strategy: null,
    },
    observedRenewAt,
    holderSinceAt: T0 - 3_600_000,
    learnedCadenceMs: 2_000,
    recentIntervalsMs: [2_000, 2_001],
    cadenceAnchorAt: observedRenewAt,
    skewMs: 5,
    transitions: [
      { lease: `kube-system/${component}`, from: 'cp-2_old', to: holder, at: T0 - 3_600_000, leaderlessMs: 4_200 },
    ],
    candidates: [1, 2, 3].map((n) => ({
      identity: `cp-${n}_${component}`,
      node: `cp-${n}`,
      source: 'pod' as const,
      observedRenewAt: null,
    })),
    candidatesSource: 'pod',
    status: holder ? 'held' : 'no-holder',
    expiresAt: observedRenewAt + 15_000,
    overdueAt: null,
    expectedRenewal: null,
    skewNoted: false,
    freshness: { state: 'live', lastEventAt: T0 - 1_000 },
  };
  // Judged by core, as the server sends it: a hand-written list could disagree with what core would say.
  const expectedRenewal = expectRenewal(view, DEFAULT_CONFIG);
  const overdueAt = expectedRenewal && observedRenewAt + expectedRenewal.overdueAfterMs;
  return { ...view, standbys: standbysOf(view), expectedRenewal, overdueAt };
}

export function finding(id: string, severity: Finding['severity'], since = T0): Finding {
  return {
    id,
    ruleId: id.split(':')[0] ?? id,
    severity,
    component: 'etcd',
    subject: null,
    title: `finding ${id}`,
    evidence: { healthy: 2, voters: 3 },
    since,
    remediation: 'look at it',
    commands: ['kubectl -n kube-system get pods'],
    causedBy: null,
  };
}

export function clusterState(id = 'lab', overrides: Partial<ClusterState> = {}): ClusterState {
  const members = [1, 2, 3].map((n) => etcdMember(n));
  const etcd = anEtcdView({
    members,
    leaderId: '10000000000000000001',
    raftTerm: '4',
    freshness: { state: 'live', lastEventAt: T0 - 500 },
  });
  return {
    modelVersion: MODEL_VERSION,
    identity: { id, context: `${id}-admin@${id}`, name: id, server: 'https://127.0.0.1:6443', labels: { env: 'test' } },
    reachability: { state: 'reachable' },
    observedAt: T0,
    verdict: 'ha-ok',
    sources: { leases: { state: 'live', lastEventAt: T0 - 1_000 }, etcd: { state: 'live', lastEventAt: T0 - 500 } },
    apiServers: {
      instances: [1, 2, 3].map((n) => apiServer(n)),
      frontDoor: {
        url: 'https://127.0.0.1:6443',
        kind: 'load-balancer',
        health: { livez: probe(true, T0), readyz: probe(true, T0), lastOkAt: T0, okSince: T0 - 60_000 },
      },
      serving: 3,
    },
    leases: [lease('kube-controller-manager', 'cp-1_abc'), lease('kube-scheduler', 'cp-2_def')],
    etcd: {
      ...etcd,
      quorum: computeQuorum(members, T0, DEFAULT_CONFIG),
      dbUse: judgeEtcdDb(etcd, DEFAULT_CONFIG),
    },
    nodes: [1, 2, 3].map((n) => ({ name: `cp-${n}`, addresses: ['127.0.0.1'], zone: null, ready: true })),
    pods: [],
    controlPlaneHidden: false,
    findings: [],
    failureImpacts: [],
    ...overrides,
  };
}
