import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { evaluateCluster } from './evaluate';
import { applyPatch, diffStates } from './patch';
import { parseLease } from './lease/parse-lease';
import { aCluster, aFullHaCluster, addressOf, identityOf, simulateHawk } from './testing/index';

// One test per row of docs/scenarios.md: observations over time with a fake clock, exact findings out.
const KCM = 'kube-system/kube-controller-manager';
const SCHED = 'kube-system/kube-scheduler';
const stacked = {
  ruleId: 'TopologyStackedEtcd',
  severity: 'info',
  component: 'topology',
  subject: null,
  causedBy: null,
};

describe('scenarios', () => {
  it('scenario 1: steady state, full HA', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(60_000);
    const { state } = hawk;
    expect(hawk.findings()).toEqual([stacked]);
    expect(state.verdict).toBe('ha-ok');
    expect(state.apiServers.serving).toBe(3);
    expect(state.apiServers.frontDoor.health.readyz?.ok).toBe(true);
    expect(state.leases.map((l) => [l.name, l.status, l.record?.holderIdentity, l.standbys.length])).toEqual([
      ['kube-controller-manager', 'held', identityOf(1), 2],
      ['kube-scheduler', 'held', identityOf(1), 2],
    ]);
    expect(state.leases[0]!.expiresAt).toBeGreaterThan(state.observedAt);
    expect(state.leases[0]!.learnedCadenceMs).toBe(2000);
    expect(state.etcd.quorum).toMatchObject({
      voters: 3,
      healthy: 3,
      quorum: 2,
      failuresTolerated: 1,
      hasQuorum: true,
    });
    expect(state.etcd.leaderId).not.toBeNull();
  });

  it('scenario 2: controller-manager leader killed', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(20_000);
    hawk.cluster.killLeaseHolder('kube-controller-manager');
    const lastRenewal = hawk.state.leases[0]!.observedRenewAt!;
    const took = hawk.until((s) => s.findings.some((f) => f.ruleId === 'LeaderElectionRenewOverdue'));
    // Overdue once the longest learned interval (2 s) plus slack (0.4 s) passed without a write; seen within a second.
    expect(hawk.cluster.now - lastRenewal).toBeGreaterThan(2400);
    expect(hawk.cluster.now - lastRenewal).toBeLessThanOrEqual(2400 + 1000);
    expect(took).not.toBeNull();
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'LeaderElectionRenewOverdue',
        severity: 'warning',
        component: 'kube-controller-manager',
        subject: KCM,
        causedBy: null,
      },
      stacked,
    ]);
    expect(hawk.state.verdict).toBe('degraded');

    // Past the lease duration with no taker: the leader is lost.
    hawk.advance(15_000 - (hawk.cluster.now - lastRenewal) + 1000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'LeaderElectionLeaderLost',
        severity: 'critical',
        component: 'kube-controller-manager',
        subject: KCM,
        causedBy: null,
      },
      stacked,
    ]);

    // A standby acquires: the transition carries the leaderless gap, and the warning clears by itself.
    const acquiredAt = hawk.cluster.now;
    hawk.cluster.acquireLease('kube-controller-manager', 2).removeCandidate('kube-controller-manager', 1);
    hawk.advance(5_000);
    const lease = hawk.state.leases.find((l) => l.name === 'kube-controller-manager')!;
    expect(lease.transitions).toEqual([
      {
        lease: 'kube-system/kube-controller-manager',
        from: identityOf(1),
        to: identityOf(2),
        at: acquiredAt,
        leaderlessMs: acquiredAt - lastRenewal,
        handover: 'expired',
      },
    ]);
    expect(acquiredAt - lastRenewal).toBeGreaterThan(15_000);
    expect(lease.status).toBe('held');
    expect(lease.standbys).toHaveLength(1);
    expect(hawk.findings()).toEqual([stacked]);
    expect(
      hawk.timeline.filter((e) => e.finding.ruleId.startsWith('LeaderElection')).map((e) => [e.kind, e.finding.ruleId]),
    ).toEqual([
      ['opened', 'LeaderElectionRenewOverdue'],
      // Escalation: in one evaluation the overdue finding gives way to the lost one.
      ['opened', 'LeaderElectionLeaderLost'],
      ['resolved', 'LeaderElectionRenewOverdue'],
      ['resolved', 'LeaderElectionLeaderLost'],
    ]);
  });

  it('scenario 3: scheduler leader frozen, later resumed', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(20_000);
    hawk.cluster.killLeaseHolder('kube-scheduler'); // SIGSTOP: alive, silent
    hawk.advance(5_000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'LeaderElectionRenewOverdue',
        severity: 'warning',
        component: 'kube-scheduler',
        subject: SCHED,
        causedBy: null,
      },
      stacked,
    ]);
    hawk.cluster.resumeLeaseHolder('kube-scheduler'); // SIGCONT before expiry: it renews, nothing changed hands
    hawk.advance(3_000);
    expect(hawk.findings()).toEqual([stacked]);
    expect(hawk.state.leases.find((l) => l.name === 'kube-scheduler')!.transitions).toEqual([]);

    // Frozen past the lease duration: lost, then a standby takes over.
    hawk.cluster.killLeaseHolder('kube-scheduler');
    hawk.advance(17_000);
    expect(hawk.findings()[0]).toEqual({
      ruleId: 'LeaderElectionLeaderLost',
      severity: 'critical',
      component: 'kube-scheduler',
      subject: SCHED,
      causedBy: null,
    });
    hawk.cluster.acquireLease('kube-scheduler', 3);
    hawk.advance(2_000);
    expect(hawk.findings()).toEqual([stacked]);
    expect(hawk.state.leases.find((l) => l.name === 'kube-scheduler')!.transitions.map((t) => t.to)).toEqual([
      identityOf(3),
    ]);
  });

  it('scenario 4: one apiserver stops', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    hawk.cluster.stopApiServer(2);
    hawk.evaluate(); // one probe round later
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'ApiServerInstanceNotReady',
        severity: 'warning',
        component: 'apiserver',
        subject: `${addressOf(2)}:6443`,
        causedBy: null,
      },
      { ruleId: 'ApiServerReducedServing', severity: 'warning', component: 'apiserver', subject: null, causedBy: null },
      stacked,
    ]);
    expect(hawk.state.findings.find((f) => f.ruleId === 'ApiServerReducedServing')!.title).toBe(
      '2/3 apiservers serving',
    );
    expect(hawk.state.apiServers.frontDoor.health.readyz?.ok).toBe(true);
    expect(hawk.state.verdict).toBe('degraded');
  });

  it('scenario 5: two apiservers stop', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    hawk.cluster.stopApiServer(2).stopApiServer(3);
    hawk.advance(1_000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'ApiServerReducedServing',
        severity: 'critical',
        component: 'apiserver',
        subject: null,
        causedBy: null,
      },
      {
        ruleId: 'ApiServerInstanceNotReady',
        severity: 'warning',
        component: 'apiserver',
        subject: `${addressOf(2)}:6443`,
        causedBy: null,
      },
      {
        ruleId: 'ApiServerInstanceNotReady',
        severity: 'warning',
        component: 'apiserver',
        subject: `${addressOf(3)}:6443`,
        causedBy: null,
      },
      stacked,
    ]);
    expect(hawk.state.findings[0]!.title).toBe(
      'one apiserver left: a single point of failure (1/3 apiservers serving)',
    );
    expect(hawk.state.verdict).toBe('spof');
  });

  it('scenario 6: load balancer stops, apiservers fine', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    hawk.cluster.stopLoadBalancer();
    hawk.advance(10_000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'LoadBalancerUnreachable',
        severity: 'critical',
        component: 'load-balancer',
        subject: 'https://lb.hawk.test:6443',
        causedBy: null,
      },
      stacked,
    ]);
    // hawk keeps watching through the instances: leases still judged held.
    expect(hawk.state.leases.map((l) => l.status)).toEqual(['held', 'held']);
  });

  it('scenario 7: one etcd member stops', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    hawk.cluster.stopEtcdMember(3);
    hawk.advance(1_000);
    expect(hawk.findings()).toEqual([
      { ruleId: 'EtcdOneFailureFromQuorumLoss', severity: 'warning', component: 'etcd', subject: null, causedBy: null },
      stacked,
    ]);
    expect(hawk.state.findings[0]!.title).toBe('etcd 2/3: quorum held, one more failure loses it');
    expect(hawk.state.etcd.quorum).toMatchObject({ healthy: 2, failuresTolerated: 0 });
    expect(hawk.state.verdict).toBe('degraded');
  });

  it('scenario 8: two etcd members stop: one root cause', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(10_000);
    hawk.cluster.stopEtcdMember(2).stopEtcdMember(3);
    hawk.advance(20_000);
    const root = 'EtcdQuorumLost';
    const consequence = (ruleId: string, component: string, subject: string | null, severity = 'critical') => ({
      ruleId,
      severity,
      component,
      subject,
      causedBy: root,
    });
    expect(hawk.findings()).toEqual([
      { ruleId: root, severity: 'critical', component: 'etcd', subject: null, causedBy: null },
      consequence('ApiServerReducedServing', 'apiserver', null),
      consequence('EtcdNoLeader', 'etcd', null),
      consequence('LeaderElectionLeaderLost', 'kube-controller-manager', KCM),
      consequence('LeaderElectionLeaderLost', 'kube-scheduler', SCHED),
      consequence('ApiServerInstanceNotReady', 'apiserver', `${addressOf(1)}:6443`, 'warning'),
      consequence('ApiServerInstanceNotReady', 'apiserver', `${addressOf(2)}:6443`, 'warning'),
      consequence('ApiServerInstanceNotReady', 'apiserver', `${addressOf(3)}:6443`, 'warning'),
      stacked,
    ]);
    expect(
      hawk.state.findings.filter((f) => f.causedBy === null && f.severity !== 'info').map((f) => f.ruleId),
    ).toEqual([root]);
    expect(hawk.state.verdict).toBe('down');
  });

  it('scenario 8, as raft counts it: two etcd members stop gracefully: held while they drain, lost when they leave', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(10_000);
    // SIGTERM: both close their client ports at once and stay in raft while they drain (etcd's request timeout, 7 s).
    hawk.cluster.drainEtcdMember(2).drainEtcdMember(3);
    hawk.advance(6_000);
    expect(hawk.findings()).toEqual([
      { ruleId: 'EtcdOneFailureFromQuorumLoss', severity: 'warning', component: 'etcd', subject: null, causedBy: null },
      stacked,
    ]);
    expect(hawk.state.findings[0]!.title).toBe(
      'etcd 1/3 answering; raft still has a leader: cp-1, term 2; quorum held, one more failure loses it',
    );
    expect(hawk.state.etcd.quorum).toMatchObject({ healthy: 1, inRaft: 2, hasQuorum: true, failuresTolerated: 0 });
    expect(hawk.state.verdict).toBe('degraded');
    // They leave raft; the survivor's CheckQuorum steps it down: no member reports a leader any more.
    const leftAt = hawk.cluster.now;
    hawk.cluster.stopEtcdMember(2).stopEtcdMember(3);
    hawk.evaluate();
    expect(hawk.timeline.find((e) => e.kind === 'opened' && e.finding.ruleId === 'EtcdQuorumLost')?.at).toBe(leftAt);
    expect(hawk.state.etcd.quorum).toMatchObject({ healthy: 1, inRaft: 1, hasQuorum: false, raftLeader: null });
    expect(hawk.state.verdict).toBe('down');
  });

  it('scenario 9: etcd leader restarts several times', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    for (let i = 0; i < 3; i++) {
      hawk.cluster.restartEtcdLeader();
      hawk.advance(30_000);
    }
    expect(hawk.state.etcd.leaderChanges).toHaveLength(3);
    expect(hawk.findings()).toEqual([
      { ruleId: 'EtcdLeaderFlapping', severity: 'warning', component: 'etcd', subject: null, causedBy: null },
      stacked,
    ]);
    // Quiet for longer than the flap window: it clears by itself.
    hawk.advance(DEFAULT_CONFIG.flapWindowMs, 10_000);
    expect(hawk.findings()).toEqual([stacked]);
  });

  it('scenario 10: a single-master cluster names every SPOF', () => {
    const cluster = aCluster()
      .withApiServers(1)
      .withFrontDoor('instance')
      .withLease('kube-controller-manager', { candidates: 1 })
      .withLease('kube-scheduler', { candidates: 1 })
      .withEtcd(1)
      .withNodes(1);
    const hawk = simulateHawk(cluster).advance(10_000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'ApiServerSingleInstance',
        severity: 'warning',
        component: 'apiserver',
        subject: `${addressOf(1)}:6443`,
        causedBy: null,
      },
      { ruleId: 'EtcdSingleMember', severity: 'warning', component: 'etcd', subject: 'cp-1', causedBy: null },
      {
        ruleId: 'LeaderElectionSingleCandidate',
        severity: 'warning',
        component: 'kube-controller-manager',
        subject: KCM,
        causedBy: null,
      },
      {
        ruleId: 'LeaderElectionSingleCandidate',
        severity: 'warning',
        component: 'kube-scheduler',
        subject: SCHED,
        causedBy: null,
      },
      {
        ruleId: 'LoadBalancerMissing',
        severity: 'warning',
        component: 'load-balancer',
        subject: `https://${addressOf(1)}:6443`,
        causedBy: null,
      },
      { ruleId: 'TopologySingleNode', severity: 'warning', component: 'topology', subject: 'cp-1', causedBy: null },
      stacked,
    ]);
    expect(hawk.state.verdict).toBe('spof');
    expect(hawk.state.failureImpacts.map((i) => [i.name, i.survivable])).toEqual([['cp-1', false]]);
  });

  it('scenario 11: an even number of etcd members', () => {
    const hawk = simulateHawk(aCluster().withApiServers(3).withLease('kube-scheduler').withEtcd(4)).advance(5_000);
    expect(hawk.findings()).toEqual([
      { ruleId: 'EtcdEvenMemberCount', severity: 'warning', component: 'etcd', subject: null, causedBy: null },
      stacked,
    ]);
    const finding = hawk.state.findings[0]!;
    expect(finding.title).toBe('4 etcd members: an even count tolerates no more failures than 3');
    expect(finding.remediation).toMatch(/survives 1 failure/);
  });

  it('scenario 12: a watch gets 410 Gone: unknown, never leader lost, then relists', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(10_000);
    hawk.cluster.withSource('leases', 'reconnecting', '410 Gone, relisting');
    hawk.advance(30_000); // far past any lease duration: hawk is blind, not the leaders dead
    expect(hawk.findings()).toEqual([
      { ruleId: 'HawkSourceStale', severity: 'warning', component: 'hawk', subject: 'leases', causedBy: null },
      stacked,
    ]);
    expect(hawk.state.leases.map((l) => l.status)).toEqual(['unknown', 'unknown']);
    expect(hawk.state.verdict).toBe('unknown');

    hawk.cluster.withSource('leases', 'live');
    hawk.advance(1_000);
    expect(hawk.findings()).toEqual([stacked]);
    expect(hawk.state.leases.map((l) => l.status)).toEqual(['held', 'held']);
  });

  it('scenario 13: hawk restarts: a restored state keeps the findings and their since', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    hawk.cluster.stopEtcdMember(3);
    hawk.advance(5_000);
    const saved = JSON.parse(JSON.stringify(hawk.state)) as typeof hawk.state;
    hawk.cluster.advance(10_000);
    const restarted = evaluateCluster(hawk.cluster.build(), saved, DEFAULT_CONFIG, hawk.cluster.now);
    expect(restarted.opened).toEqual([]);
    expect(restarted.resolved).toEqual([]);
    expect(restarted.state.findings.map((f) => f.since)).toEqual(saved.findings.map((f) => f.since));
  });

  it('scenario 14: the browser reconnects: observedAt and freshness tell the age; a patch catches up', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(5_000);
    const before = hawk.state;
    expect(before.observedAt).toBe(hawk.cluster.now);
    expect(before.sources.leases).toEqual({ state: 'live', lastEventAt: hawk.cluster.now });
    expect(before.etcd.freshness.state).toBe('live');
    hawk.cluster.stopApiServer(1);
    hawk.advance(10_000);
    expect(applyPatch(before, diffStates(before, hawk.state))).toEqual(hawk.state);
  });

  it('scenario 15: a managed cluster hides its control plane', () => {
    const hawk = simulateHawk(aCluster().withHiddenControlPlane()).advance(5_000);
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'ClusterControlPlaneNotVisible',
        severity: 'info',
        component: 'cluster',
        subject: null,
        causedBy: null,
      },
    ]);
    expect(hawk.state.verdict).toBe('not-visible');
    expect(hawk.state.failureImpacts).toEqual([]);
  });

  it('scenario 16: malformed leases are shown as such, nothing crashes', () => {
    const cluster = aFullHaCluster().withLease('cloud-controller-manager', { holder: 0 }).withLease('my-operator');
    const hawk = simulateHawk(cluster).advance(5_000);
    cluster.writeLease('kube-scheduler', { renewTime: null }, { renewing: false });
    cluster.writeLease('my-operator', { leaseDurationSeconds: 0 }, { renewing: false });
    hawk.advance(30_000);
    // Oldest first: the lease without holder was so from the start.
    expect(hawk.findings()).toEqual([
      {
        ruleId: 'LeaderElectionNoHolder',
        severity: 'warning',
        component: 'leader-election',
        subject: 'kube-system/cloud-controller-manager',
        causedBy: null,
      },
      {
        ruleId: 'LeaderElectionMalformed',
        severity: 'warning',
        component: 'kube-scheduler',
        subject: SCHED,
        causedBy: null,
      },
      {
        ruleId: 'LeaderElectionMalformed',
        severity: 'warning',
        component: 'leader-election',
        subject: 'kube-system/my-operator',
        causedBy: null,
      },
      stacked,
    ]);
    for (const raw of [
      null,
      42,
      {},
      { metadata: {} },
      { metadata: { name: 'x' }, spec: { renewTime: 'yesterday', leaseDurationSeconds: 'ten' } },
    ]) {
      expect(() => parseLease(raw)).not.toThrow();
    }
  });

  it('scenario 17: one of several clusters is unreachable', () => {
    const a = simulateHawk(aFullHaCluster({ id: 'a' })).advance(5_000);
    const b = simulateHawk(aFullHaCluster({ id: 'b' }).unreachable('connect ETIMEDOUT 10.1.0.1:6443')).advance(5_000);
    expect(b.findings()).toEqual([
      { ruleId: 'ClusterUnreachable', severity: 'critical', component: 'cluster', subject: null, causedBy: null },
    ]);
    expect(b.state.verdict).toBe('unknown');
    expect(a.findings()).toEqual([stacked]);
    expect(a.state.verdict).toBe('ha-ok');
  });
});
