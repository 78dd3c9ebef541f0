import { describe, expect, it } from 'vitest';
import { aFullHaCluster, simulateHawk, timelineOf, type HawkRun } from '../testing/index';
import { findingsLeftOpen, NOTHING_CARRIED, settleCarried, type CarriedFindings } from './carried-findings';
import { incidentsOf } from './incidents';

const SETTLE_MS = 300_000;
const LEADER_RULES = /^LeaderElection/;

/** The controller-manager leader killed, and hawk stopped while its lease is lost: what the stored timeline holds. */
function stoppedMidIncident() {
  const hawk = simulateHawk(aFullHaCluster()).advance(20_000);
  hawk.cluster.killLeaseHolder('kube-controller-manager');
  hawk.advance(18_000);
  return timelineOf(hawk);
}

/** Feeds `hawk`'s judgements to settleCarried every second for `ms`; returns what was cleared and when. */
function judge(hawk: HawkRun, carried: CarriedFindings, ms: number) {
  const cleared: { at: number; id: string }[] = [];
  let now = carried;
  for (let left = ms; left > 0; left -= 1000) {
    hawk.advance(1000);
    const step = settleCarried(now, hawk.state, hawk.cluster.now, SETTLE_MS);
    now = step.carried;
    cleared.push(...step.cleared.map((finding) => ({ at: hawk.cluster.now, id: finding.id })));
  }
  return { carried: now, cleared };
}

const carry = (findings: CarriedFindings['findings']): CarriedFindings => ({ findings, judgeableSince: null });

describe('findings carried over a restart', () => {
  it('findingsLeftOpen: what the stored timeline opened and never resolved', () => {
    const left = findingsLeftOpen(stoppedMidIncident());
    expect(left.map((finding) => finding.id).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^TopologyStackedEtcd/), expect.stringMatching(LEADER_RULES)]),
    );
    // The incident is ongoing in what was stored.
    expect(incidentsOf(stoppedMidIncident()).map((incident) => incident.endedAt)).toEqual([null]);
  });

  it('cleared while no hawk ran: resolved once, after the settle period of whole judgements, and the incident ends', () => {
    const stored = stoppedMidIncident();
    const carried = carry(findingsLeftOpen(stored));
    // The new hawk finds the standby leading: nothing of the lost leader is true any more.
    const hawk = simulateHawk(
      aFullHaCluster({ start: stored.at(-1)!.at + 60_000 }).acquireLease('kube-controller-manager', 2),
    );
    const startedAt = hawk.cluster.now;
    const { carried: after, cleared } = judge(hawk, carried, SETTLE_MS + 10_000);
    expect(after).toEqual(NOTHING_CARRIED);
    // The standing info finding is open in the new judgement: the judgement's own, never resolved from here.
    expect(cleared.map((entry) => entry.id).every((id) => LEADER_RULES.test(id))).toBe(true);
    expect(cleared.length).toBeGreaterThan(0);
    expect(new Set(cleared.map((entry) => entry.at)).size).toBe(1);
    expect(cleared[0]!.at - startedAt).toBeGreaterThanOrEqual(SETTLE_MS);
    expect(cleared[0]!.at - startedAt).toBeLessThanOrEqual(SETTLE_MS + 2000);

    const resolves = cleared.map((entry) => ({
      kind: 'finding-resolved' as const,
      clusterId: 'lab',
      at: entry.at,
      findingId: entry.id,
      title: 'cleared',
    }));
    const [incident] = incidentsOf([...stored, ...resolves]);
    expect(incident!.endedAt).toBe(cleared[0]!.at);
  });

  it('still true after the restart: it opens again in the new judgement and is never resolved from what was carried', () => {
    const stored = stoppedMidIncident();
    const hawk = simulateHawk(aFullHaCluster({ start: stored.at(-1)!.at + 60_000 }));
    hawk.cluster.killLeaseHolder('kube-controller-manager');
    const { carried, cleared } = judge(hawk, carry(findingsLeftOpen(stored)), SETTLE_MS + 10_000);
    expect(cleared).toEqual([]);
    expect(carried).toEqual(NOTHING_CARRIED);
    expect(hawk.state.findings.some((finding) => LEADER_RULES.test(finding.ruleId))).toBe(true);
  });

  it('while hawk cannot see the whole cluster, nothing is resolved, and the settle period starts again', () => {
    const stored = stoppedMidIncident();
    const cluster = aFullHaCluster({ start: stored.at(-1)!.at + 60_000 }).acquireLease('kube-controller-manager', 2);
    const hawk = simulateHawk(cluster);
    let step = judge(hawk, carry(findingsLeftOpen(stored)), SETTLE_MS - 60_000);
    expect(step.cleared).toEqual([]);
    cluster.unreachable();
    step = judge(hawk, step.carried, SETTLE_MS + 60_000);
    expect(step.cleared).toEqual([]);
    expect(step.carried.judgeableSince).toBeNull();
    cluster.reachable();
    const backAt = hawk.cluster.now;
    step = judge(hawk, step.carried, SETTLE_MS + 10_000);
    expect(step.cleared.length).toBeGreaterThan(0);
    expect(step.cleared[0]!.at - backAt).toBeGreaterThanOrEqual(SETTLE_MS);
  });
});
