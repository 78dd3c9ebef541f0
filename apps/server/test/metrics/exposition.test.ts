import type { ClusterState } from '@hawk/core';
import { describe, expect, it } from 'vitest';
import { createMetrics, type WatchCounters } from '../../src/metrics/registry';
import { apiServer, clusterState, etcdMember, finding, lease, T0 } from '@hawk/testkit/cluster-state';

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

const healthy = clusterState('lab');
const labelsOf = (lines: string[], name: string) =>
  lines.filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

// Each row: a state in, the exposition lines of some families out (all of that family's lines).
const table: { name: string; state: ClusterState; families: Record<string, string[]> }[] = [
  {
    name: 'steady HA: leases, apiservers, LB, etcd, findings',
    state: healthy,
    families: {
      hawk_lease_holder_info: [
        'hawk_lease_holder_info{cluster="lab",cluster_name="lab",lease="kube-system/kube-controller-manager",holder="cp-1_abc"} 1',
        'hawk_lease_holder_info{cluster="lab",cluster_name="lab",lease="kube-system/kube-scheduler",holder="cp-2_def"} 1',
      ],
      // Renewed 2 s before T0: a timestamp in seconds.
      hawk_lease_last_renewal_timestamp_seconds: [
        `hawk_lease_last_renewal_timestamp_seconds{cluster="lab",cluster_name="lab",lease="kube-system/kube-controller-manager"} ${T0 / 1000 - 2}`,
        `hawk_lease_last_renewal_timestamp_seconds{cluster="lab",cluster_name="lab",lease="kube-system/kube-scheduler"} ${T0 / 1000 - 2}`,
      ],
      hawk_lease_transitions_total: [
        'hawk_lease_transitions_total{cluster="lab",cluster_name="lab",lease="kube-system/kube-controller-manager"} 3',
        'hawk_lease_transitions_total{cluster="lab",cluster_name="lab",lease="kube-system/kube-scheduler"} 3',
      ],
      hawk_lease_last_leaderless_seconds: [
        'hawk_lease_last_leaderless_seconds{cluster="lab",cluster_name="lab",lease="kube-system/kube-controller-manager"} 4.2',
        'hawk_lease_last_leaderless_seconds{cluster="lab",cluster_name="lab",lease="kube-system/kube-scheduler"} 4.2',
      ],
      hawk_apiserver_up: [
        'hawk_apiserver_up{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6441"} 1',
        'hawk_apiserver_up{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6442"} 1',
        'hawk_apiserver_up{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6443"} 1',
      ],
      hawk_load_balancer_up: ['hawk_load_balancer_up{cluster="lab",cluster_name="lab"} 1'],
      hawk_etcd_members: [
        'hawk_etcd_members{cluster="lab",cluster_name="lab",state="total"} 3',
        'hawk_etcd_members{cluster="lab",cluster_name="lab",state="healthy"} 3',
      ],
      hawk_etcd_has_leader: ['hawk_etcd_has_leader{cluster="lab",cluster_name="lab"} 1'],
      hawk_etcd_quorum_size: ['hawk_etcd_quorum_size{cluster="lab",cluster_name="lab"} 2'],
      hawk_etcd_failures_tolerated: ['hawk_etcd_failures_tolerated{cluster="lab",cluster_name="lab"} 1'],
      hawk_findings_active: [
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="critical"} 0',
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="warning"} 0',
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="info"} 0',
      ],
      hawk_watch_last_event_timestamp_seconds: [
        `hawk_watch_last_event_timestamp_seconds{cluster="lab",cluster_name="lab",source="leases"} ${T0 / 1000 - 1}`,
        `hawk_watch_last_event_timestamp_seconds{cluster="lab",cluster_name="lab",source="etcd"} ${T0 / 1000 - 0.5}`,
      ],
      hawk_socket_clients: ['hawk_socket_clients 2'],
      hawk_replica_leader: ['hawk_replica_leader{replica="hawk-0"} 1'],
      hawk_replica_leader_lock_reachable: ['hawk_replica_leader_lock_reachable{replica="hawk-0"} 1'],
    },
  },
  {
    name: 'one apiserver down, etcd quorum lost, a critical finding',
    state: {
      ...healthy,
      apiServers: { ...healthy.apiServers, instances: [apiServer(1), apiServer(2, false)], serving: 1 },
      etcd: {
        ...healthy.etcd,
        leaderId: null,
        members: [etcdMember(1), etcdMember(2, false), etcdMember(3, false)],
        quorum: { ...healthy.etcd.quorum, healthy: 1, failuresTolerated: -1, hasQuorum: false },
      },
      findings: [finding('etcd-quorum-lost:lab', 'critical'), finding('kcm:lab', 'warning')],
    },
    families: {
      hawk_apiserver_up: [
        'hawk_apiserver_up{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6441"} 1',
        'hawk_apiserver_up{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6442"} 0',
      ],
      hawk_etcd_members: [
        'hawk_etcd_members{cluster="lab",cluster_name="lab",state="total"} 3',
        'hawk_etcd_members{cluster="lab",cluster_name="lab",state="healthy"} 1',
      ],
      hawk_etcd_has_leader: ['hawk_etcd_has_leader{cluster="lab",cluster_name="lab"} 0'],
      hawk_etcd_failures_tolerated: ['hawk_etcd_failures_tolerated{cluster="lab",cluster_name="lab"} -1'],
      hawk_etcd_db_size_bytes: ['hawk_etcd_db_size_bytes{cluster="lab",cluster_name="lab",member="etcd-1"} 4194304'],
      hawk_findings_active: [
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="critical"} 1',
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="warning"} 1',
        'hawk_findings_active{cluster="lab",cluster_name="lab",severity="info"} 0',
      ],
    },
  },
  {
    name: 'missing values emit no sample: no holder, never renewed, unprobed, no etcd source, kubeconfig at an instance',
    state: {
      ...healthy,
      leases: [{ ...lease('kube-scheduler', null), observedRenewAt: null, transitions: [], record: null }],
      apiServers: {
        ...healthy.apiServers,
        instances: [{ ...apiServer(1), health: { livez: null, readyz: null, lastOkAt: null, okSince: null } }],
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
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6441"} 1',
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6442"} 1',
      'hawk_apiserver_probe_duration_seconds_count{cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6443"} 1',
    ]);
    expect(lines).toContain(
      'hawk_apiserver_probe_duration_seconds_bucket{le="0.025",cluster="lab",cluster_name="lab",apiserver="127.0.0.1:6441"} 1',
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
      'hawk_apiserver_probe_duration_seconds_count{cluster="inclustercontext",cluster_name="prod-eu (Frankfurt)",apiserver="127.0.0.1:6441"} 1',
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
