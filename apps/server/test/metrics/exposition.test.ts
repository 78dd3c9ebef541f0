import {
  DEFAULT_CONFIG,
  evaluateCluster,
  type ClusterState,
  type CumulativeHistogram,
  type EtcdMetricsSample,
  type LeaseView,
} from '@hawk/core';
import { aFullHaCluster } from '@hawk/core/testing';
import { describe, expect, it } from 'vitest';
import { createMetrics, type WatchCounters } from '../../src/metrics/registry';
import { clusterState, judgedLab, quorumLost, T0 } from '@hawk/testkit/cluster-state';

/** The exposition text for `states` at T0, without HELP/TYPE lines. */
async function expose(states: readonly ClusterState[], sourceStats?: readonly WatchCounters[]): Promise<string[]> {
  const metrics = createMetrics({
    clusters: () => states,
    ...(sourceStats ? { sourceStats: () => sourceStats } : {}),
    socketClients: () => 2,
    replica: { identity: 'hawk-0', isLeader: () => true, lockReachable: () => true, transitions: () => 1 },
    now: () => T0,
  });
  for (const state of states) metrics.observeState(state);
  return (await metrics.registry.metrics()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * The lab as core judges it, 30 s after its controller-manager leader was killed and cp-2 took over:
 * every lease family has a sample. Expected lines are read off the state, so the test is about the mapping.
 */
function afterHandover(): ClusterState {
  const lab = judgedLab('lab');
  lab.cluster.killLeaseHolder('kube-controller-manager');
  lab.advance(20_000).cluster.acquireLease('kube-controller-manager', 2);
  return lab.advance(10_000).state;
}
const healthy = clusterState('lab');
const handedOver = afterHandover();
const down = clusterState('lab', { at: T0 + 20_000, fault: quorumLost });
const labelsOf = (lines: string[], name: string) =>
  lines.filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
const lab = 'cluster="lab",cluster_name="lab"';
const perLease = (state: ClusterState, family: string, value: (lease: LeaseView) => number | string) =>
  state.leases.map((lease) => `${family}{${lab},lease="${lease.namespace}/${lease.name}"} ${value(lease)}`);
const findingsOf = (state: ClusterState, kind: 'current' | 'expected') =>
  (['critical', 'warning', 'info'] as const).map(
    (severity) =>
      `hawk_findings_${kind === 'current' ? 'active' : 'expected'}{${lab},severity="${severity}"} ` +
      `${state.findings.filter((f) => f.severity === severity && f.kind === kind).length}`,
  );
const findingsActive = (state: ClusterState) => findingsOf(state, 'current');

/** The controller-manager leader frozen 7 s of every 9 s, and an etcd certificate ending in 3 days. */
function earlyWarnings(): ClusterState {
  const lab = judgedLab('lab');
  lab.cluster.withCertificate('etcd', '10.0.0.21:2379', 3);
  for (let burst = 0; burst < 4; burst++) {
    lab.cluster.killLeaseHolder('kube-controller-manager');
    lab.advance(7_000, 500);
    lab.cluster.resumeLeaseHolder('kube-controller-manager');
    lab.advance(2_000, 500);
  }
  return lab.state;
}
const warned = earlyWarnings();

const MiB = 1024 ** 2;
/** A histogram of `fast` observations at 2 ms and `slow` ones at 80 ms. */
const histogram = (fast: number, slow: number): CumulativeHistogram => ({
  buckets: [0.002, 0.08, Infinity].map((le) => ({ le, count: fast + (le >= 0.08 ? slow : 0) })),
  count: fast + slow,
  sum: fast * 0.002 + slow * 0.08,
});

/**
 * Core judging the full-HA fixture whose members' DBs grew 20 MiB a minute for 20 minutes, and whose first member's
 * disk slowed over the last two minutes (5 % of its fsyncs and commits at 80 ms): the quota ETA and EtcdDegrading.
 */
function etcdWarnings(): ClusterState {
  const cluster = aFullHaCluster();
  const input = cluster.build();
  const [slow] = input.etcd.members;
  const etcdDbSamples = Object.fromEntries(
    input.etcd.members.map((member) => [
      member.id,
      Array.from({ length: 41 }, (_, i) => ({
        at: cluster.now - (40 - i) * 30_000,
        dbSizeBytes: member.status!.dbSizeBytes - (40 - i) * 10 * MiB,
      })),
    ]),
  );
  const scrapes: EtcdMetricsSample[] = Array.from({ length: 13 }, (_, i) => {
    const writes = 100_000 + i * 300;
    const late = Math.round(i * 300 * 0.05);
    return {
      at: cluster.now - (12 - i) * 10_000,
      walFsync: histogram(writes - late, late),
      backendCommit: histogram(writes - late, late),
      peerRoundTrip: {},
      heartbeatSendFailures: 0,
      slowApplies: 0,
      leaderChangesSeen: 0,
    };
  });
  const withMetrics = { ...input, etcdDbSamples, etcdMetricsSamples: { [slow!.id]: scrapes } };
  return evaluateCluster(withMetrics, null, DEFAULT_CONFIG, cluster.now).state;
}
const etcdWarned = etcdWarnings();
const member = (state: ClusterState, family: string, value: (name: string, id: string) => number) =>
  state.etcd.members.map(
    (m) =>
      `${family}{cluster="${state.identity.id}",cluster_name="${state.identity.name}",member="${m.name}"} ` +
      `${value(m.name, m.id)}`,
  );

// Each row: a state in, the exposition lines of some families out (all of that family's lines).
const table: { name: string; state: ClusterState; families: Record<string, string[]> }[] = [
  {
    name: 'HA after a handover: leases, apiservers, LB, etcd, findings',
    state: handedOver,
    families: {
      hawk_lease_holder_info: handedOver.leases.map(
        (lease) =>
          `hawk_lease_holder_info{${lab},lease="${lease.namespace}/${lease.name}",` +
          `holder="${lease.record!.holderIdentity}"} 1`,
      ),
      // A timestamp in seconds.
      hawk_lease_last_renewal_timestamp_seconds: perLease(
        handedOver,
        'hawk_lease_last_renewal_timestamp_seconds',
        (lease) => lease.observedRenewAt! / 1000,
      ),
      hawk_lease_transitions_total: perLease(
        handedOver,
        'hawk_lease_transitions_total',
        (lease) => lease.record!.leaseTransitions!,
      ),
      // Only the lease that changed hands has a leaderless gap.
      hawk_lease_last_leaderless_seconds: [
        `hawk_lease_last_leaderless_seconds{${lab},lease="kube-system/kube-controller-manager"} ${
          handedOver.leases[0]!.transitions.at(-1)!.leaderlessMs! / 1000
        }`,
      ],
      hawk_apiserver_up: handedOver.apiServers.instances.map(
        (instance) => `hawk_apiserver_up{${lab},apiserver="${instance.id}"} 1`,
      ),
      hawk_load_balancer_up: [`hawk_load_balancer_up{${lab}} 1`],
      hawk_etcd_members: [`hawk_etcd_members{${lab},state="total"} 3`, `hawk_etcd_members{${lab},state="healthy"} 3`],
      hawk_etcd_has_leader: [`hawk_etcd_has_leader{${lab}} 1`],
      hawk_etcd_quorum_size: [`hawk_etcd_quorum_size{${lab}} 2`],
      hawk_etcd_failures_tolerated: [`hawk_etcd_failures_tolerated{${lab}} 1`],
      hawk_findings_active: findingsActive(handedOver),
      hawk_watch_last_event_timestamp_seconds: Object.entries(handedOver.sources).map(
        ([source, freshness]) =>
          `hawk_watch_last_event_timestamp_seconds{${lab},source="${source}"} ${freshness!.lastEventAt! / 1000}`,
      ),
      hawk_socket_clients: ['hawk_socket_clients 2'],
      hawk_replica_leader: ['hawk_replica_leader{replica="hawk-0"} 1'],
      hawk_replica_leader_lock_reachable: ['hawk_replica_leader_lock_reachable{replica="hawk-0"} 1'],
    },
  },
  {
    name: 'two etcd members and an apiserver stopped: quorum lost, critical findings',
    state: down,
    families: {
      // Every apiserver fails its etcd check: none is ready.
      hawk_apiserver_up: down.apiServers.instances.map(
        (instance) => `hawk_apiserver_up{${lab},apiserver="${instance.id}"} 0`,
      ),
      hawk_etcd_members: [`hawk_etcd_members{${lab},state="total"} 3`, `hawk_etcd_members{${lab},state="healthy"} 1`],
      hawk_etcd_has_leader: [`hawk_etcd_has_leader{${lab}} 0`],
      hawk_etcd_failures_tolerated: [`hawk_etcd_failures_tolerated{${lab}} -1`],
      // Only the member that answers reports its size.
      hawk_etcd_db_size_bytes: [
        `hawk_etcd_db_size_bytes{${lab},member="cp-1"} ${down.etcd.members[0]!.status!.dbSizeBytes}`,
      ],
      hawk_findings_active: findingsActive(down),
    },
  },
  {
    name: 'early warnings: counted apart from what is broken; each lease with its renew deadline and margin',
    state: warned,
    families: {
      hawk_findings_active: findingsActive(warned),
      hawk_findings_expected: [
        `hawk_findings_expected{${lab},severity="critical"} 1`, // the certificate: critical, yet no failure counted
        `hawk_findings_expected{${lab},severity="warning"} 1`, // the leader running out of margin
        `hawk_findings_expected{${lab},severity="info"} 0`,
      ],
      hawk_lease_renew_deadline_seconds: perLease(warned, 'hawk_lease_renew_deadline_seconds', () => 10),
      // The certificate's end as a timestamp in seconds, whatever its level.
      hawk_certificate_expiry_timestamp_seconds: [
        `hawk_certificate_expiry_timestamp_seconds{${lab},role="etcd",subject="10.0.0.21:2379",` +
          `serial_number="10.0.0.21:2379"} ${warned.certificates![0]!.notAfter / 1000}`,
      ],
      // 3rd longest of the last 6 intervals: 7 s for the frozen controller-manager, 2 s for the scheduler.
      hawk_lease_renew_margin_seconds: perLease(warned, 'hawk_lease_renew_margin_seconds', (lease) =>
        lease.name === 'kube-controller-manager' ? 3 : 8,
      ),
    },
  },
  {
    name: "etcd's early warnings: core's quota ETA per member, and the member it judges degrading",
    state: etcdWarned,
    families: {
      hawk_etcd_db_quota_full_timestamp_seconds: member(
        etcdWarned,
        'hawk_etcd_db_quota_full_timestamp_seconds',
        (_, id) => etcdWarned.etcd.dbUse.find((use) => use.memberId === id)!.trend!.fullAt! / 1000,
      ),
      // Only the first member's disk slowed: 1 for it, a judged 0 for the others.
      hawk_etcd_member_degrading: member(etcdWarned, 'hawk_etcd_member_degrading', (name) =>
        name === etcdWarned.etcd.members[0]!.name ? 1 : 0,
      ),
      hawk_findings_expected: ['critical', 'warning', 'info'].map(
        (severity) =>
          `hawk_findings_expected{cluster="${etcdWarned.identity.id}",cluster_name="${etcdWarned.identity.name}",` +
          `severity="${severity}"} ${severity === 'warning' ? etcdWarned.etcd.members.length + 1 : 0}`,
      ),
    },
  },
  {
    name:
      'missing values emit no sample: no holder, never renewed, unprobed, no etcd source, kubeconfig at an ' +
      'instance',
    state: {
      ...healthy,
      leases: [{ ...healthy.leases[1]!, observedRenewAt: null, transitions: [], record: null }],
      apiServers: {
        ...healthy.apiServers,
        instances: [
          { ...healthy.apiServers.instances[0]!, health: { livez: null, readyz: null, lastOkAt: null, okSince: null } },
        ],
        frontDoor: { ...healthy.apiServers.frontDoor, kind: 'instance' },
      },
      etcd: { ...healthy.etcd, source: 'none', members: [] },
      sources: {},
    },
    families: {
      hawk_lease_holder_info: [],
      hawk_lease_last_renewal_timestamp_seconds: [],
      hawk_lease_transitions_total: [],
      hawk_lease_last_leaderless_seconds: [],
      hawk_apiserver_up: [],
      hawk_load_balancer_up: [],
      hawk_etcd_members: [],
      hawk_etcd_has_leader: [],
      hawk_etcd_quorum_size: [],
      hawk_etcd_db_size_bytes: [],
      hawk_etcd_db_quota_full_timestamp_seconds: [],
      hawk_etcd_member_degrading: [],
      hawk_certificate_expiry_timestamp_seconds: [],
      hawk_watch_last_event_timestamp_seconds: [],
    },
  },
];

describe('metrics exposition', () => {
  it.each(table)('$name', async ({ state, families }) => {
    const lines = await expose([state]);
    for (const [family, expected] of Object.entries(families))
      expect(labelsOf(lines, family), family).toEqual(expected);
  });

  it('observes each new probe once in the latency histogram', async () => {
    const lines = await expose([healthy, healthy]);
    expect(labelsOf(lines, 'hawk_apiserver_probe_duration_seconds_count')).toEqual([
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="10.0.0.11:6443"} 1',
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="10.0.0.12:6443"} 1',
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="10.0.0.13:6443"} 1',
    ]);
    expect(lines).toContain(
      'hawk_apiserver_probe_duration_seconds_bucket{le="0.025",cluster="lab",cluster_name="lab",' +
        'apiserver="10.0.0.11:6443"} 1',
    );
  });

  it('exports watch restarts when the hub counts them, and nothing when it does not', async () => {
    expect(
      labelsOf(
        await expose([healthy], [{ clusterId: 'lab', source: 'leases', restarts: 4 }]),
        'hawk_watch_restarts_total',
      ),
    ).toEqual(['hawk_watch_restarts_total{cluster="lab",cluster_name="lab",source="leases"} 4']);
    expect(labelsOf(await expose([healthy]), 'hawk_watch_restarts_total')).toEqual([]);
  });

  it('counts watch sessions per source, so a duplicated watch shows as 2', async () => {
    const stats: WatchCounters[] = [
      { clusterId: 'lab', source: 'leases', restarts: 0 },
      { clusterId: 'lab', source: 'leases', restarts: 1 },
      { clusterId: 'lab', source: 'etcd', restarts: 0 },
    ];
    expect(labelsOf(await expose([healthy], stats), 'hawk_watch_sessions')).toEqual([
      'hawk_watch_sessions{cluster="lab",cluster_name="lab",source="leases"} 2',
      'hawk_watch_sessions{cluster="lab",cluster_name="lab",source="etcd"} 1',
    ]);
  });

  it("labels every cluster series with the cluster's name beside its stable id, and nothing else with it", async () => {
    const named: ClusterState = {
      ...healthy,
      identity: {
        ...healthy.identity,
        id: 'inclustercontext',
        context: 'inClusterContext',
        name: 'prod-eu (Frankfurt)',
      },
    };
    const lines = await expose(
      [named, clusterState('lab')],
      [{ clusterId: 'inclustercontext', source: 'leases', restarts: 2 }],
    );
    expect(labelsOf(lines, 'hawk_cluster_verdict_info')).toEqual([
      'hawk_cluster_verdict_info{cluster="inclustercontext",cluster_name="prod-eu (Frankfurt)",verdict="ha-ok"} 1',
      'hawk_cluster_verdict_info{cluster="lab",cluster_name="lab",verdict="ha-ok"} 1',
    ]);
    expect(labelsOf(lines, 'hawk_watch_restarts_total')).toEqual([
      'hawk_watch_restarts_total{cluster="inclustercontext",cluster_name="prod-eu (Frankfurt)",source="leases"} 2',
    ]);
    expect(lines).toContain(
      'hawk_apiserver_probe_duration_seconds_count{cluster="inclustercontext",cluster_name="prod-eu ' +
        '(Frankfurt)",apiserver="10.0.0.11:6443"} 1',
    );
    // One name per id: the label adds no series. Every series about a cluster has both; hawk's own have neither.
    const about = lines.filter((line) => line.includes('cluster="'));
    expect(about.length).toBeGreaterThan(40);
    expect(
      about.filter(
        (line) =>
          !/\{cluster="(inclustercontext|lab)",cluster_name="(prod-eu \(Frankfurt\)|lab)"[,}]/.test(line) &&
          !line.includes('le="'),
      ),
    ).toEqual([]);
    expect(lines.filter((line) => line.includes('cluster_name=') && !line.includes('cluster="'))).toEqual([]);
    expect(lines.filter((line) => line.includes('inClusterContext'))).toEqual([]);
  });

  it('uses none of the target labels Prometheus attaches (they would be renamed exported_*)', async () => {
    const lines = await expose([healthy], [{ clusterId: 'lab', source: 'leases', restarts: 0 }]);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((line) => /[{,](instance|job|pod|namespace|service|container|endpoint)="/.test(line))).toEqual(
      [],
    );
  });

  // hawk's own families carry hawk_; Node's process metrics keep the names every exporter gives them,
  // so the dashboards and recording rules written for process_* and nodejs_* work unchanged.
  it('names hawk families hawk_* and process metrics process_* / nodejs_*', async () => {
    const metrics = createMetrics({
      clusters: () => [healthy],
      socketClients: () => 0,
      replica: { identity: 'r', isLeader: () => false, lockReachable: () => false, transitions: () => 0 },
      processMetrics: true,
    });
    const names = (await metrics.registry.getMetricsAsJSON()).map((family) => family.name);
    expect(names.filter((name) => !/^(hawk|process|nodejs)_/.test(name))).toEqual([]);
    expect(names).toContain('process_resident_memory_bytes');
    expect(names).toContain('nodejs_eventloop_lag_seconds');
    expect(names.filter((name) => /^hawk_(process|nodejs)_/.test(name))).toEqual([]);
  });
});
