import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { evaluateCluster } from '../evaluate';
import { judgeMargin } from '../lease/margin';
import { observeLease } from '../lease/tracker';
import type { LeaseRecord } from '../model/lease';
import { aFullHaCluster, simulateHawk, type HawkRun } from '../testing/index';

const KCM = 'kube-system/kube-controller-manager';
const marginFinding = (run: HawkRun) => run.state.findings.find((f) => f.ruleId === 'LeaderElectionMarginLow');

/** The lab's fault: the holder frozen `frozenMs` of every `cycleMs`, so it renews in bursts, late but in time. */
function bursts(run: HawkRun, cycles: number, frozenMs = 7_000, cycleMs = 9_000): void {
  for (let i = 0; i < cycles; i++) {
    run.cluster.killLeaseHolder('kube-controller-manager');
    run.advance(frozenMs, 500);
    run.cluster.resumeLeaseHolder('kube-controller-manager');
    run.advance(cycleMs - frozenMs, 500);
  }
}

describe('LeaderElectionMarginLow', () => {
  it('a healthy 2 s renewer keeps 8 s of its 10 s deadline and never warns', () => {
    const run = simulateHawk(aFullHaCluster()).advance(5 * 60_000);
    const lease = run.state.leases.find((l) => `${l.namespace}/${l.name}` === KCM)!;
    expect(lease.margin).toMatchObject({ renewDeadlineMs: 10_000, deadlineBasis: 'known-elector', late: 0 });
    expect(lease.margin?.marginMs).toBe(8_000);
    expect(run.timeline.filter((e) => e.finding.ruleId === 'LeaderElectionMarginLow')).toEqual([]);
  });

  it('freeze/thaw bursts (7 s of every 9 s): warns, expected, before any loss; resolves once renewals are on time', () => {
    const run = simulateHawk(aFullHaCluster()).advance(30_000);
    const start = run.cluster.now;
    bursts(run, 2);
    expect(marginFinding(run)).toBeUndefined(); // two late renewals are not yet a run
    bursts(run, 2);
    const finding = marginFinding(run)!;
    expect(finding).toMatchObject({ kind: 'expected', severity: 'warning', component: 'kube-controller-manager' });
    expect(finding.since - start).toBeLessThanOrEqual(3 * 9_000);
    expect(finding.title).toMatch(
      /^kube-controller-manager leader running out of margin: 3 of its last \d renewals 6 s/,
    );
    expect(finding.title).toMatch(/on a 10 s renew deadline$/);
    expect(finding.evidence).toMatchObject({ lateIntervals: 3, deadlineBasis: 'known-elector', likelyCause: null });
    expect(finding.remediation).toMatch(/CPU throttling/);
    const lease = run.state.leases.find((l) => `${l.namespace}/${l.name}` === KCM)!;
    expect(lease.transitions).toEqual([]); // warned with the leader still in place
    expect(lease.margin!.marginMs).toBeGreaterThan(0);
    expect(lease.margin!.marginMs).toBeLessThanOrEqual(4_000);

    run.advance(20_000); // bursts stop: 2 s renewals push the late ones out
    expect(marginFinding(run)).toBeUndefined();
    const resolved = run.timeline.find((e) => e.kind === 'resolved' && e.finding.ruleId === 'LeaderElectionMarginLow');
    expect(resolved!.at - (start + 4 * 9_000)).toBeLessThanOrEqual(10_000);
  });

  it('names the slow apiserver on the holder node and leaves the verdict alone', () => {
    const run = simulateHawk(aFullHaCluster().withNodes(3)).advance(30_000);
    bursts(run, 4);
    const input = run.cluster.build();
    const slowed = {
      ...input,
      apiServers: input.apiServers.map((instance, i) =>
        i === 0 && instance.health.readyz
          ? { ...instance, health: { ...instance.health, readyz: { ...instance.health.readyz, latencyMs: 2_400 } } }
          : instance,
      ),
    };
    const { state } = evaluateCluster(slowed, run.state, DEFAULT_CONFIG, run.cluster.now);
    const finding = state.findings.find((f) => f.ruleId === 'LeaderElectionMarginLow')!;
    expect(finding.title).toMatch(/\(apiserver \S+ answers \/readyz in 2400 ms\)$/);
    expect(finding.evidence.likelyCause).toMatch(/on the holder's node cp-1/);
    expect(finding.causedBy).toBeNull();
    expect(state.verdict).toBe('ha-ok');
  });

  it('an apiserver stopped on another node is not named: a load balancer takes it out of the holder path', () => {
    const run = simulateHawk(aFullHaCluster().withNodes(3)).advance(30_000);
    bursts(run, 4);
    run.cluster.stopApiServer(3);
    run.advance(1_000);
    expect(marginFinding(run)?.evidence.likelyCause).toBeNull();
  });

  it('one late renewal (a GC pause) among on-time ones does not warn', () => {
    const run = simulateHawk(aFullHaCluster()).advance(30_000);
    bursts(run, 1, 8_000, 20_000);
    bursts(run, 1, 1_000, 2_000);
    expect(run.timeline.filter((e) => e.finding.ruleId === 'LeaderElectionMarginLow')).toEqual([]);
  });
});

describe('judgeMargin', () => {
  const record = (leaseDurationSeconds: number, holderIdentity: string, renewTime: string): LeaseRecord => ({
    namespace: 'openshift-kube-controller-manager',
    name: 'cluster-policy-controller-lock',
    holderIdentity,
    acquireTime: '2026-12-07T00:00:00Z',
    renewTime,
    leaseDurationSeconds,
    leaseTransitions: 0,
    resourceVersion: renewTime,
    strategy: null,
  });

  it("OpenShift's 137 s lease is judged on its 107 s deadline, an unknown 60 s one on two thirds (40 s)", () => {
    const renewEvery = (duration: number, everyMs: number) => {
      let track = observeLease(undefined, record(duration, 'a', 't0'), 0, DEFAULT_CONFIG).track;
      for (let i = 1; i <= 6; i++)
        track = observeLease(track, record(duration, 'a', `t${i}`), i * everyMs, DEFAULT_CONFIG).track;
      return judgeMargin(track, DEFAULT_CONFIG);
    };
    expect(renewEvery(137, 26_000)).toMatchObject({ renewDeadlineMs: 107_000, late: 0, low: false });
    expect(renewEvery(137, 70_000)).toMatchObject({ deadlineBasis: 'known-elector', late: 5, low: true });
    expect(renewEvery(60, 25_000)).toMatchObject({ renewDeadlineMs: 40_000, deadlineBasis: 'lease-ratio', low: true });
  });

  it("a handover forgets the old holder's late renewals", () => {
    let track = observeLease(undefined, record(15, 'a', 't0'), 0, DEFAULT_CONFIG).track;
    for (let i = 1; i <= 4; i++) track = observeLease(track, record(15, 'a', `t${i}`), i * 8_000, DEFAULT_CONFIG).track;
    expect(judgeMargin(track, DEFAULT_CONFIG)?.low).toBe(true);
    track = observeLease(track, record(15, 'b', 'u0'), 50_000, DEFAULT_CONFIG).track;
    expect(judgeMargin(track, DEFAULT_CONFIG)).toMatchObject({ intervalsMs: [], late: 0, marginMs: null, low: false });
  });
});
