import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import type { ApiServerInstance, ProbeResult } from '../model/apiserver';
import type { ClusterInput } from '../model/cluster';
import { aCluster, shapeOf, simulateHawk } from '../testing/index';
import { failsEtcdCheck } from './root-cause';

describe('root-cause grouping', () => {
  it('a down node is the root of what ran on it', () => {
    const cluster = aCluster().withApiServers(3).withEtcd(3).withLease('kube-scheduler').withNodes(3);
    const hawk = simulateHawk(cluster).advance(5_000);
    cluster.stopNode('cp-1');
    hawk.advance(5_000);
    const root = 'TopologyNodeDown:cp-1';
    expect(hawk.state.findings.map(shapeOf)).toEqual([
      { ruleId: 'TopologyNodeDown', severity: 'warning', component: 'topology', subject: 'cp-1', causedBy: null },
      {
        ruleId: 'ApiServerInstanceNotReady',
        severity: 'warning',
        component: 'apiserver',
        subject: '10.0.0.11:6443',
        causedBy: root,
      },
      { ruleId: 'ApiServerReducedServing', severity: 'warning', component: 'apiserver', subject: null, causedBy: root },
      { ruleId: 'EtcdOneFailureFromQuorumLoss', severity: 'warning', component: 'etcd', subject: null, causedBy: root },
      // The holder on cp-1 falls overdue a few seconds later.
      {
        ruleId: 'LeaderElectionRenewOverdue',
        severity: 'warning',
        component: 'kube-scheduler',
        subject: 'kube-system/kube-scheduler',
        causedBy: root,
      },
      { ruleId: 'TopologyStackedEtcd', severity: 'info', component: 'topology', subject: null, causedBy: null },
    ]);
  });

  it("hawk's stale watches follow from no apiserver serving, itself from quorum loss", () => {
    const cluster = aCluster().withApiServers(2).withEtcd(3);
    const hawk = simulateHawk(cluster).advance(2_000);
    cluster.stopEtcdMember(1).stopEtcdMember(2).withSource('leases', 'reconnecting');
    hawk.advance(2_000);
    const stale = hawk.state.findings.find((f) => f.ruleId === 'HawkSourceStale')!;
    expect(stale.causedBy).toBe('EtcdQuorumLost');
  });

  it('instances down for different reasons keep the serving count a root', () => {
    const cluster = aCluster().withApiServers(3).withEtcd(3).withNodes(3);
    const hawk = simulateHawk(cluster).advance(2_000);
    cluster.stopNode('cp-1').stopApiServer(2);
    hawk.advance(2_000);
    expect(hawk.state.findings.find((f) => f.ruleId === 'ApiServerReducedServing')!.causedBy).toBeNull();
  });

  it('without quorum, an apiserver whose /readyz hangs is a consequence; one that refuses connections is not', () => {
    const cluster = aCluster()
      .withApiServers(3)
      .withEtcd(3)
      .hangReadyzWithoutQuorum(1)
      .hangReadyzWithoutQuorum(2)
      .hangReadyzWithoutQuorum(3);
    const hawk = simulateHawk(cluster).advance(2_000);
    cluster.stopEtcdMember(1).stopEtcdMember(2);
    hawk.advance(2_000);
    const reduced = () => hawk.state.findings.find((f) => f.ruleId === 'ApiServerReducedServing')!;
    expect(reduced().causedBy).toBe('EtcdQuorumLost');
    expect(
      hawk.state.findings
        .filter((f) => f.ruleId === 'ApiServerInstanceNotReady')
        .every((f) => f.causedBy === 'EtcdQuorumLost'),
    ).toBe(true);
    cluster.stopApiServer(3);
    hawk.advance(2_000);
    expect(reduced().causedBy).toBeNull();
    expect(
      hawk.state.findings.find((f) => f.ruleId === 'ApiServerInstanceNotReady' && f.subject === '10.0.0.13:6443')!
        .causedBy,
    ).toBeNull();
  });

  it(
    "without quorum, a load balancer relaying an apiserver's etcd failure is a consequence; one refusing " +
      'connections is not',
    () => {
      const cluster = aCluster().withApiServers(3).withEtcd(3);
      const hawk = simulateHawk(cluster).advance(2_000);
      cluster.stopEtcdMember(1).stopEtcdMember(2);
      hawk.advance(2_000);
      const input = cluster.build();
      const ready = { at: cluster.now, ok: true, httpStatus: 200, latencyMs: 3, failedChecks: [], error: null };
      // Probes race: instance 3 was last probed ready, while the LB's probe was relayed to instance 1, for
      // longer than the grace a relayed failure gets (a load balancer's own health check would have acted).
      const withFrontDoor = (readyz: ProbeResult): ClusterInput => ({
        ...input,
        apiServers: input.apiServers.map((instance, n) =>
          n === 2
            ? {
                ...instance,
                health: {
                  ...instance.health,
                  readyz: ready,
                  okSince: cluster.now - DEFAULT_CONFIG.loadBalancerFailureGraceMs - 1,
                },
              }
            : instance,
        ),
        frontDoor: {
          ...input.frontDoor,
          health: {
            livez: readyz,
            readyz,
            lastOkAt: cluster.now - DEFAULT_CONFIG.loadBalancerFailureGraceMs - 1,
            okSince: null,
          },
        },
      });
      const loadBalancerFinding = (readyz: ProbeResult) =>
        evaluateCluster(withFrontDoor(readyz), hawk.state, DEFAULT_CONFIG, cluster.now).state.findings.find(
          (f) => f.ruleId === 'LoadBalancerUnreachable',
        );
      expect(loadBalancerFinding(input.apiServers[0]!.health.readyz!)?.causedBy).toBe('EtcdQuorumLost');
      expect(
        loadBalancerFinding({
          at: cluster.now,
          ok: false,
          httpStatus: null,
          latencyMs: null,
          failedChecks: [],
          error: 'connect ECONNREFUSED',
        })?.causedBy,
      ).toBeNull();
    },
  );

  it.each([
    [['etcd'], true],
    [['etcd-readiness'], true],
    [['poststarthook/rbac'], false],
    [[], false],
  ])('failing checks %j are an etcd failure: %s', (failedChecks, expected) => {
    const instance = {
      health: {
        readyz: { at: 0, ok: false, httpStatus: 500, latencyMs: 1, failedChecks, error: null },
        livez: null,
        lastOkAt: null,
      },
    } as unknown as ApiServerInstance;
    expect(failsEtcdCheck(instance)).toBe(expected);
  });
});
