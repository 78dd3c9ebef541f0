import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@hawk/core';
import { finding, useLabHub } from '@hawk/testkit/lab-hub';

const LOST_RULES = ['LeaderElectionRenewOverdue', 'LeaderElectionLeaderLost'];
const aboutLease = (name: string) => (subject: string | null) => subject?.endsWith(name) ?? false;
const lostFinding = (name: string) => (state: Parameters<typeof finding>[0]) =>
  LOST_RULES.some((rule) => finding(state, rule, aboutLease(name)));

// Scenarios 2 and 3: a leader that stops renewing, killed or frozen, is a lost leader until a standby takes over.
describe('leader election', () => {
  const h = useLabHub();

  async function lostAndTakenOver(
    scenario: string,
    lease: 'kube-controller-manager' | 'kube-scheduler',
    fault: () => Promise<unknown>,
  ) {
    const before = h.state().leases.find((l) => l.name === lease)!;
    const oldHolder = before.record!.holderIdentity;
    const { faultAt } = await h.faultUntil(
      `${scenario} (${lease} leader stops renewing → not-renewing finding)`,
      fault,
      lostFinding(lease),
      30_000,
    );
    const overdue = h.state().leases.find((l) => l.name === lease)!;
    expect(overdue.status).toMatch(/renew-overdue|expired/);
    expect(overdue.record!.holderIdentity).toBe(oldHolder);

    const takenAt = await h.until(
      `${lease}: new holder`,
      (s) => s.leases.find((l) => l.name === lease)?.record?.holderIdentity !== oldHolder,
      60_000,
    );
    h.measure(`${scenario} (${lease} leader stops renewing → standby acquires)`, faultAt, takenAt);
    const transition = h.timeline.find(
      (e): e is Extract<TimelineEvent, { kind: 'leader-transition' }> =>
        e.kind === 'leader-transition' && e.transition.lease.endsWith(lease) && e.at >= faultAt,
    );
    expect(transition?.transition.from).toBe(oldHolder);
    expect(transition?.transition.to).not.toBe(oldHolder);
    // The gap runs from the last renewal seen to the acquire: at least what the lease duration makes it wait.
    expect(transition?.transition.leaderlessMs).toBeGreaterThan(5_000);
    console.log(`[scenario ${scenario}] leaderless gap measured by hawk: ${transition?.transition.leaderlessMs} ms`);

    const clearedAt = await h.until(
      `${lease}: warning clears`,
      (s) => !lostFinding(lease)(s) && s.leases.find((l) => l.name === lease)?.status === 'held',
      30_000,
    );
    h.measure(`${scenario} (${lease} new holder → warning cleared, from fault)`, faultAt, clearedAt);
    const opened = h.timeline.filter(
      (e) => e.kind === 'finding-opened' && e.at >= faultAt && LOST_RULES.includes(e.finding.ruleId),
    );
    const resolved = h.timeline.filter(
      (e) =>
        e.kind === 'finding-resolved' && e.at >= faultAt && LOST_RULES.some((rule) => e.findingId.startsWith(rule)),
    );
    expect(opened.length).toBeGreaterThan(0);
    expect(resolved.length).toBeGreaterThan(0);
  }

  it('scenario 2: the controller-manager leader is killed', async () => {
    await lostAndTakenOver('2', 'kube-controller-manager', () => h.lab.fault.killLeader('kube-controller-manager'));
    await h.lab.fault.heal();
  });

  it('scenario 3: the scheduler leader is frozen', async () => {
    await lostAndTakenOver('3', 'kube-scheduler', () => h.lab.fault.freezeLeader('kube-scheduler'));
    await h.lab.fault.heal();
  });
});
