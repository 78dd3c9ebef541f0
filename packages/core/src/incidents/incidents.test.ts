import { describe, expect, it } from 'vitest';
import { aFullHaCluster, identityOf, simulateHawk, timelineOf } from '../testing/index';
import { formatDuration, summarizeIncident } from './incident-summary';
import type { TimelineEvent } from '../model/timeline';
import { BURST_MS, incidentsOf } from './incidents';

const KCM = 'kube-system/kube-controller-manager';

/** The controller-manager leader killed, its lease lost, a standby acquiring: scenario 2 as core judges it. */
function killedControllerManager() {
  const hawk = simulateHawk(aFullHaCluster()).advance(20_000);
  hawk.cluster.killLeaseHolder('kube-controller-manager');
  hawk.advance(18_000);
  hawk.cluster.acquireLease('kube-controller-manager', 2).removeCandidate('kube-controller-manager', 1);
  hawk.advance(5_000);
  return hawk;
}

describe('incidents', () => {
  it('steady state: a standing info finding opens none', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(60_000);
    expect(hawk.state.findings.map((f) => f.ruleId)).toEqual(['TopologyStackedEtcd']);
    expect(incidentsOf(timelineOf(hawk))).toEqual([]);
  });

  it('an early warning (expected) opens none: a certificate ending in 20 days', () => {
    const hawk = simulateHawk(aFullHaCluster().withCertificate('apiserver', '10.0.0.11:6443', 20)).advance(10_000);
    const warning = hawk.state.findings.find((f) => f.ruleId === 'CertificateExpiring');
    expect(warning).toMatchObject({ kind: 'expected', severity: 'warning' });
    expect(incidentsOf(timelineOf(hawk))).toEqual([]);
  });

  it('a killed leader: overdue escalating to lost is one incident, ended when the standby took over', () => {
    const hawk = killedControllerManager();
    const events = timelineOf(hawk);
    const [incident, ...rest] = incidentsOf(events);
    expect(rest).toEqual([]);
    const opened = events.filter((e) => e.kind === 'finding-opened' && e.finding.ruleId.startsWith('LeaderElection'));
    const resolved = events.filter((e) => e.kind === 'finding-resolved');
    expect(incident!.openedAt).toBe(opened[0]!.at);
    expect(incident!.n).toBe(opened[0]!.at);
    expect(incident!.endedAt).toBe(resolved[resolved.length - 1]!.at);
    expect(incident!.findings.map((f) => [f.ruleId, f.subject, f.resolvedAt !== null])).toEqual([
      ['LeaderElectionRenewOverdue', KCM, true],
      ['LeaderElectionLeaderLost', KCM, true],
    ]);
    const transition = hawk.state.leases.find((l) => l.name === 'kube-controller-manager')!.transitions[0]!;
    expect(incident!.transitions).toEqual([transition]);
    expect(transition).toMatchObject({ from: identityOf(1), to: identityOf(2), handover: 'expired' });
  });

  it('the summary says what failed first, what followed, the gap, who took over and the time to recovery', () => {
    const hawk = killedControllerManager();
    const [incident] = incidentsOf(timelineOf(hawk));
    const transition = incident!.transitions[0]!;
    const text = summarizeIncident(incident!, 'lab');
    const lines = text.split('\n');
    const clock = (at: number) => `${new Date(at).toISOString().slice(11, 23)} UTC`;
    expect(lines[0]).toBe(`## Incident ${incident!.n} on lab: ${incident!.findings[0]!.title}`);
    expect(text).toContain(`full recovery ${formatDuration(incident!.endedAt! - incident!.openedAt)} after it opened`);
    const first = lines.slice(lines.indexOf('### What failed first') + 1, lines.indexOf('### What followed') - 1);
    expect(first).toEqual([
      expect.stringMatching(/^- \d\d:\d\d:\d\d\.\d{3} UTC: .*\(`LeaderElectionRenewOverdue`, warning; resolved/),
    ]);
    const followed = lines.slice(lines.indexOf('### What followed') + 1, lines.indexOf('### Leaderless gaps') - 1);
    expect(followed).toEqual([
      expect.stringMatching(/^- \+\d+\.\d s, .*\(`LeaderElectionLeaderLost`, critical; resolved/),
    ]);
    expect(lines[lines.indexOf('### Leaderless gaps') + 1]).toBe(
      `- \`${KCM}\`: leaderless ${formatDuration(transition.leaderlessMs!)} ` +
        `(${clock(transition.at - transition.leaderlessMs!)} → ${clock(transition.at)}); \`${identityOf(2)}\` ` +
        `took over at ${clock(transition.at)} from \`${identityOf(1)}\` (the lease expired: holder crashed or hung)`,
    );
    expect(transition.leaderlessMs).toBeGreaterThan(15_000);
    expect(text).toContain('### What hawk could not see\n- nothing reported');
    // Deterministic: the same timeline folded again writes the same text.
    expect(summarizeIncident(incidentsOf(timelineOf(hawk))[0]!, 'lab')).toBe(text);
  });

  it('two failures apart in time are two incidents; one still open has no end', () => {
    const hawk = killedControllerManager().advance(30_000);
    hawk.cluster.stopApiServer(2);
    hawk.advance(10_000);
    const incidents = incidentsOf(timelineOf(hawk));
    expect(incidents.map((i) => [i.findings[0]!.ruleId, i.endedAt === null])).toEqual([
      ['LeaderElectionRenewOverdue', false],
      [expect.stringMatching(/^ApiServer/), true],
    ]);
    expect(new Set(incidents.map((i) => i.n)).size).toBe(2);
    expect(summarizeIncident(incidents[1]!)).toContain('still open');
  });

  it('a failure in the wake of another joins its incident as what followed, though no rule ties them', () => {
    const hawk = simulateHawk(aFullHaCluster()).advance(20_000);
    hawk.cluster.killLeaseHolder('kube-controller-manager');
    hawk.advance(5_000);
    hawk.cluster.stopApiServer(2);
    hawk.advance(13_000);
    hawk.cluster.acquireLease('kube-controller-manager', 2).removeCandidate('kube-controller-manager', 1);
    hawk.cluster.startApiServer(2);
    hawk.advance(5_000);
    const [incident, ...rest] = incidentsOf(timelineOf(hawk));
    expect(rest).toEqual([]);
    const apiserver = incident!.findings.find((f) => f.ruleId === 'ApiServerInstanceNotReady')!;
    expect(apiserver.openedAt - incident!.openedAt).toBeLessThanOrEqual(BURST_MS);
    expect(incident!.findings[0]!.ruleId).toBe('LeaderElectionRenewOverdue');
    expect(incident!.endedAt).not.toBeNull();
    const followed = summarizeIncident(incident!).split('### What followed')[1]!.split('###')[0]!;
    expect(followed).toContain('(`ApiServerInstanceNotReady`, warning;');
  });

  it("an opening seen again while open (a restarted hawk's first judgement) is no reopen; one after resolving is", () => {
    const events = timelineOf(killedControllerManager());
    const overdue = events.find(
      (e): e is Extract<TimelineEvent, { kind: 'finding-opened' }> =>
        e.kind === 'finding-opened' && e.finding.ruleId === 'LeaderElectionRenewOverdue',
    )!;
    const resolvedAt = events.find((e) => e.kind === 'finding-resolved' && e.findingId === overdue.finding.id)!.at;
    const openedAgainAt = (at: number) => [
      ...events.filter((e) => e.at <= at),
      { ...overdue, at },
      ...events.filter((e) => e.at > at),
    ];

    expect(incidentsOf(openedAgainAt(overdue.at + 4_000))).toEqual(incidentsOf(events));

    const [reopened] = incidentsOf(openedAgainAt(resolvedAt + 500));
    expect(reopened!.findings.find((f) => f.id === overdue.finding.id)).toMatchObject({
      reopened: 1,
      resolvedAt: null,
    });
    expect(summarizeIncident(reopened!)).toContain('opened 2 times');
  });

  it('a node down: its consequences join the incident of the root that grouped them', () => {
    const hawk = simulateHawk(aFullHaCluster().withNodes(3)).advance(30_000);
    hawk.cluster.stopNode('cp-1');
    hawk.advance(90_000);
    const incidents = incidentsOf(timelineOf(hawk));
    const grouped = hawk.state.findings.filter((f) => f.causedBy !== null);
    expect(grouped.length).toBeGreaterThan(0);
    const withRoot = incidents.find((i) => i.findings.some((f) => f.ruleId === 'TopologyNodeDown'))!;
    for (const f of grouped) expect(withRoot.findings.map((member) => member.id)).toContain(f.id);
  });

  it('formats durations the same way every time', () => {
    expect([850, 18_000, 245_000, 7_380_000].map(formatDuration)).toEqual([
      '850 ms',
      '18.0 s',
      '4 min 05 s',
      '2 h 03 min',
    ]);
  });
});
