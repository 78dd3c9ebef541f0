import type { ApiServerInstance, ClusterState, EndpointHealth, EtcdMember, Finding, LeaseView } from '@hawk/core';

/**
 * Component-test fixtures: a healthy three-node lab cluster at `NOW`, and the scenario variants the
 * panels must show. Kept local until @hawk/core/testing's builder lands.
 */
export const NOW = Date.UTC(2025, 0, 31, 12, 3, 4);

const live = { state: 'live', lastEventAt: NOW - 1000 } as const;

const healthy = (latencyMs = 4): EndpointHealth => ({
  livez: { at: NOW - 1000, ok: true, httpStatus: 200, latencyMs, failedChecks: [], error: null },
  readyz: { at: NOW - 1000, ok: true, httpStatus: 200, latencyMs, failedChecks: [], error: null },
  lastOkAt: NOW - 1000,
});

const failing = (check: string): EndpointHealth => ({
  livez: { at: NOW - 1000, ok: true, httpStatus: 200, latencyMs: 5, failedChecks: [], error: null },
  readyz: { at: NOW - 1000, ok: false, httpStatus: 500, latencyMs: 2003, failedChecks: [check], error: null },
  lastOkAt: NOW - 60_000,
});

const instance = (n: number, health = healthy()): ApiServerInstance => ({
  id: `127.0.1.${n}:6443`,
  address: `127.0.1.${n}`,
  port: 6443,
  host: `cp-${n}`,
  node: `cp-${n}`,
  inEndpointSlice: true,
  identityLease: `apiserver-${n}`,
  identityRenewedAt: NOW - 3000,
  health,
});

const member = (n: number, reachable = true): EtcdMember => ({
  id: `1000000000000000${n}`,
  name: `etcd-${n}`,
  peerURLs: [`https://127.0.2.${n}:2380`],
  clientURLs: [`https://127.0.2.${n}:2379`],
  isLearner: false,
  reachable,
  status: reachable ? { leaderId: '10000000000000001', raftTerm: '4', raftIndex: '1200', dbSizeBytes: 24 * 1024 * 1024, dbSizeInUseBytes: null, version: '3.6.5', isLearner: false, errors: [] } : null,
  error: reachable ? null : 'context deadline exceeded',
  checkedAt: NOW - 1000,
});

export function aLease(component: string, overrides: Partial<LeaseView> = {}): LeaseView {
  const holder = `cp-1_${component}-uuid`;
  return {
    namespace: 'kube-system',
    name: component,
    component,
    record: { namespace: 'kube-system', name: component, holderIdentity: holder, acquireTime: null, renewTime: null, leaseDurationSeconds: 15, leaseTransitions: 1, resourceVersion: '100', strategy: null },
    observedRenewAt: NOW - 1000,
    holderSinceAt: NOW - 3_600_000,
    learnedCadenceMs: 2000,
    recentIntervalsMs: [2000, 2000],
    skewMs: 0,
    transitions: [{ lease: component, from: `cp-2_${component}-old`, to: holder, at: NOW - 3_600_000, leaderlessMs: 14_200 }],
    candidates: [1, 2, 3].map((n) => ({ identity: n === 1 ? holder : `cp-${n}_${component}-uuid`, node: `cp-${n}`, source: 'pod' as const, observedRenewAt: null })),
    candidatesSource: 'pod',
    status: 'held',
    expiresAt: NOW + 14_000,
    freshness: live,
    ...overrides,
  };
}

export function aFinding(overrides: Partial<Finding> & Pick<Finding, 'id' | 'title'>): Finding {
  return {
    ruleId: overrides.id.split(':')[0] ?? overrides.id,
    severity: 'warning',
    component: 'cluster',
    subject: null,
    evidence: {},
    since: NOW - 5000,
    remediation: '',
    commands: [],
    causedBy: null,
    ...overrides,
  };
}

export function aHealthyCluster(overrides: Partial<ClusterState> = {}): ClusterState {
  const members = [1, 2, 3].map((n) => member(n));
  return {
    modelVersion: 1,
    identity: { id: 'lab', context: 'hawk-lab', server: 'https://127.0.0.1:6443', labels: {} },
    reachability: { state: 'reachable' },
    observedAt: NOW - 1000,
    verdict: 'ha-ok',
    sources: { 'apiserver-probes': live, leases: live, etcd: live },
    apiServers: {
      instances: [1, 2, 3].map((n) => instance(n)),
      frontDoor: { url: 'https://127.0.0.1:6443', kind: 'load-balancer', health: healthy(6) },
      serving: 3,
    },
    leases: [aLease('kube-controller-manager'), aLease('kube-scheduler')],
    etcd: {
      source: 'etcd-api',
      members,
      leaderId: '10000000000000001',
      raftTerm: '4',
      alarms: [],
      quotaBytes: 2 * 1024 ** 3,
      topology: 'stacked',
      topologyEvidence: ['member 127.0.2.1 is control-plane node cp-1’s address'],
      leaderChanges: [],
      readyzEtcd: null,
      freshness: live,
      quorum: { voters: 3, healthy: 3, quorum: 2, failuresTolerated: 1, hasQuorum: true, evenCount: false },
    },
    nodes: [1, 2, 3].map((n) => ({ name: `cp-${n}`, addresses: [`127.0.1.${n}`], zone: null, ready: true })),
    pods: [],
    controlPlaneHidden: false,
    findings: [],
    failureImpacts: [1, 2, 3].map((n) => ({
      kind: 'node' as const,
      name: `cp-${n}`,
      apiServersLeft: 2,
      apiServersTotal: 3,
      leasesWithoutCandidate: [],
      etcd: { healthyLeft: 2, voters: 3, quorumKept: true },
      summary: `losing cp-${n} now would leave 2/3 apiservers and etcd at 2/3: survivable`,
      survivable: true,
    })),
    ...overrides,
  };
}

/** Scenario 2: the controller-manager leader stopped renewing. */
export function aLeaderOverdueCluster(): ClusterState {
  const base = aHealthyCluster();
  return {
    ...base,
    verdict: 'degraded',
    leases: [aLease('kube-controller-manager', { status: 'renew-overdue', observedRenewAt: NOW - 6000, expiresAt: NOW + 9000 }), aLease('kube-scheduler')],
    findings: [
      aFinding({
        id: 'leader-election-renew-overdue:kube-system/kube-controller-manager',
        title: 'kube-controller-manager: leader not renewing',
        severity: 'warning',
        component: 'kube-controller-manager',
        evidence: { holder: 'cp-1_kube-controller-manager-uuid', sinceRenewalMs: 6000, cadenceMs: 2000 },
        remediation: 'Check the holder process on cp-1; a standby takes over when the lease expires.',
        commands: ['kubectl -n kube-system get lease kube-controller-manager -o yaml'],
      }),
    ],
  };
}

/** Scenario 7: one etcd member down, quorum held with no margin. */
export function anEtcdDegradedCluster(): ClusterState {
  const base = aHealthyCluster();
  return {
    ...base,
    verdict: 'degraded',
    etcd: { ...base.etcd, members: [member(1), member(2), member(3, false)], quorum: { voters: 3, healthy: 2, quorum: 2, failuresTolerated: 0, hasQuorum: true, evenCount: false } },
    findings: [
      aFinding({
        id: 'etcd-one-failure-from-quorum-loss',
        title: 'etcd 2/3: quorum held, one more failure loses it',
        severity: 'warning',
        component: 'etcd',
        commands: ['etcdctl endpoint status --cluster -w table'],
      }),
    ],
  };
}

/** Scenario 8: two etcd members down; everything else follows from it. */
export function aQuorumLostCluster(): ClusterState {
  const base = aHealthyCluster();
  const root = aFinding({ id: 'etcd-quorum-lost', title: 'etcd quorum lost', severity: 'critical', component: 'etcd', evidence: { healthy: 1, voters: 3, quorum: 2 }, remediation: 'Restore a member.', commands: ['etcdctl endpoint health --cluster'] });
  return {
    ...base,
    verdict: 'down',
    apiServers: { ...base.apiServers, instances: [1, 2, 3].map((n) => instance(n, failing('etcd'))), serving: 0 },
    leases: [aLease('kube-controller-manager', { status: 'expired', observedRenewAt: NOW - 20_000, expiresAt: NOW - 5000 }), aLease('kube-scheduler', { status: 'expired', observedRenewAt: NOW - 20_000, expiresAt: NOW - 5000 })],
    etcd: { ...base.etcd, leaderId: null, members: [member(1), member(2, false), member(3, false)], quorum: { voters: 3, healthy: 1, quorum: 2, failuresTolerated: -1, hasQuorum: false, evenCount: false } },
    findings: [
      root,
      aFinding({ id: 'apiserver-instance-not-ready:cp-1', title: 'apiserver cp-1 not ready', severity: 'critical', component: 'apiserver', causedBy: root.id }),
      aFinding({ id: 'leader-election-leader-lost:kube-scheduler', title: 'kube-scheduler: leader lost', severity: 'critical', component: 'kube-scheduler', causedBy: root.id }),
    ],
  };
}

/** Scenario 15: a managed control plane that shows nothing of itself. */
export function aManagedCluster(): ClusterState {
  const base = aHealthyCluster();
  return {
    ...base,
    identity: { ...base.identity, id: 'gke', context: 'gke-prod' },
    verdict: 'not-visible',
    controlPlaneHidden: true,
    apiServers: { instances: [], frontDoor: { url: 'https://34.1.2.3', kind: 'unknown', health: healthy(30) }, serving: 0 },
    leases: [],
    etcd: { ...base.etcd, source: 'none', members: [], leaderId: null, topology: 'managed-hidden', topologyEvidence: [], quorum: { voters: 0, healthy: 0, quorum: 1, failuresTolerated: 0, hasQuorum: false, evenCount: false } },
    findings: [aFinding({ id: 'cluster-control-plane-not-visible', title: 'control plane not visible (managed)', severity: 'info' })],
    failureImpacts: [],
  };
}
