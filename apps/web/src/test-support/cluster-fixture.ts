import type { ClusterState, Finding } from '@hawk/core';
import { aCluster, simulateHawk, type HawkRun } from '@hawk/core/testing';

/**
 * Component-test fixtures judged by the real core: the lab's shape (3 apiservers behind a load
 * balancer, two leader leases with 3 candidates, 3 stacked etcd members) driven through the
 * failure scenarios, so the panels render exactly what the server would send.
 */
export interface Scenario {
  readonly state: ClusterState;
  /** The scenario's clock: tests pin the browser's clock to it. */
  readonly now: number;
}

function steadyLab(): HawkRun {
  const cluster = aCluster()
    .withApiServers(3)
    .withLease('kube-controller-manager')
    .withLease('kube-scheduler')
    .withEtcd(3)
    .withNodes(3);
  return simulateHawk(cluster).advance(10_000);
}

const scenarioOf = (run: HawkRun): Scenario => ({ state: run.state, now: run.cluster.now });

/** Steady state with certificates ending: an apiserver's in 20 days (warning), an etcd member's in 3 (critical). */
export function certificatesDue(): Scenario {
  const run = steadyLab();
  run.cluster
    .withCertificate('apiserver', '10.213.0.11:6443', 20)
    .withCertificate('etcd', 'https://10.213.0.11:2379', 3)
    .withCertificate('client', 'kubeconfig context lab', 300);
  return scenarioOf(run.evaluate());
}

/**
 * Issue 28 §2 beside a broken instance: the controller-manager leader frozen 7 s of every 9 s (renewing late, in time),
 * an etcd certificate ending in 3 days, and apiserver 3 stopped: current and expected findings at once.
 */
export function earlyWarnings(): Scenario {
  const run = steadyLab();
  run.cluster.withCertificate('etcd', 'https://10.213.0.11:2379', 3);
  for (let burst = 0; burst < 4; burst++) {
    run.cluster.killLeaseHolder('kube-controller-manager');
    run.advance(7_000, 500);
    run.cluster.resumeLeaseHolder('kube-controller-manager');
    run.advance(2_000, 500);
  }
  run.cluster.stopApiServer(3);
  return scenarioOf(run.advance(1_000));
}

/** Scenario 1: steady state, full HA. */
export function healthy(): Scenario {
  return scenarioOf(steadyLab());
}

/** Scenario 2: the controller-manager leader was killed 4 s ago and has not been replaced yet. */
export function leaderOverdue(): Scenario {
  const run = steadyLab();
  run.cluster.killLeaseHolder('kube-controller-manager');
  return scenarioOf(run.advance(4000, 500));
}

/** Scenario 7: one etcd member down. */
export function etcdDegraded(): Scenario {
  const run = steadyLab();
  run.cluster.stopEtcdMember(3);
  return scenarioOf(run.advance(3000));
}

/** Scenario 8: two etcd members down; apiservers and leases follow. */
export function quorumLost(): Scenario {
  const run = steadyLab();
  run.cluster.stopEtcdMember(2).stopEtcdMember(3);
  return scenarioOf(run.advance(20_000));
}

/** Scenario 15: a managed control plane. */
export function managed(): Scenario {
  return scenarioOf(simulateHawk(aCluster().withHiddenControlPlane()).advance(1000));
}

/** Scenario 17: a cluster hawk cannot reach. */
export function unreachable(): Scenario {
  const run = steadyLab();
  run.cluster.advance(1000).unreachable('connect ECONNREFUSED 127.0.0.1:6443');
  return scenarioOf(run.advance(30_000));
}

/** A bare finding for selector tests that need a shape the rules would not produce. */
export function aFinding(overrides: Partial<Finding> & Pick<Finding, 'id' | 'title'>): Finding {
  return {
    ruleId: overrides.id,
    severity: 'warning',
    kind: 'current',
    component: 'cluster',
    subject: null,
    evidence: {},
    since: 0,
    remediation: '',
    commands: [],
    causedBy: null,
    ...overrides,
  };
}
