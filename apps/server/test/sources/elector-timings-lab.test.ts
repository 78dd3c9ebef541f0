/**
 * OpenShift's leader-election timings (lease 137 s, renew deadline 107 s, retry 26 s) on the real
 * kube-controller-manager and kube-scheduler: hawk raises nothing while the leaders renew every 26 s, from its first
 * sight through the cadence it learns; a killed leader is called not renewing one retry period plus slack after its
 * last renewal; the takeover and its leaderless gap match the Lease as the lab reads it.
 *
 * HAWK_ELECTOR_STEADY_MS sets the steady period: by default 2 min, the first sight and four renewals, where the
 * previous judgement raised its false alarms; 4 min and more also reach the learned cadence (8 intervals). The
 * 10-minute run is `pnpm bench:electors --elector openshift` (docs/benchmarks.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@hawk/core';
import { ELECTOR_TIMINGS, ensureLab, type Lab } from '@hawk/lab';
import { startLabHub, type LabHub } from '@hawk/testkit/lab-hub';

const OPENSHIFT = ELECTOR_TIMINGS.openshift;
const RETRY_MS = OPENSHIFT.retryPeriodSeconds * 1000;
const STEADY_MS = Number(process.env.HAWK_ELECTOR_STEADY_MS ?? 120_000);
const LEADER_RULES = /^LeaderElection/;
const KCM = 'kube-controller-manager';

describe("OpenShift's elector timings on the real components", () => {
  let lab: Lab;
  let h: LabHub;

  beforeAll(async () => {
    lab = await ensureLab({ leaderElection: OPENSHIFT });
    h = await startLabHub({ lab });
  }, 300_000);

  // The shared lab goes back to its default timings for the files after this one.
  afterAll(async () => {
    await h?.stop();
    await ensureLab();
  }, 300_000);

  it(
    'steady state: no leader-election warning while renewals come every 26 s',
    async () => {
      await h.until('both leaders held', (s) => s.leases.filter((l) => l.status === 'held').length >= 2, 120_000);
      await new Promise((resolve) => setTimeout(resolve, STEADY_MS));
      const raised = h.timeline.filter(
        (e): e is Extract<TimelineEvent, { kind: 'finding-opened' }> =>
          e.kind === 'finding-opened' && LEADER_RULES.test(e.finding.ruleId),
      );
      expect(raised.map((e) => e.finding.title)).toEqual([]);
      const kcm = h.state().leases.find((l) => l.name === KCM)!;
      console.log(`[elector openshift] after ${STEADY_MS / 1000} s: ${JSON.stringify(kcm.expectedRenewal)}`);
      expect(kcm.status).toBe('held');
      if (STEADY_MS >= 9 * RETRY_MS) {
        expect(kcm.expectedRenewal?.basis).toBe('learned');
        expect(Math.abs(kcm.expectedRenewal!.cadenceMs - RETRY_MS)).toBeLessThan(2000);
      }
    },
    STEADY_MS + 180_000,
  );

  it('the leader killed: not renewing within one retry period plus slack; the takeover and its gap right', async () => {
    const before = h.state().leases.find((l) => l.name === KCM)!;
    const oldHolder = before.record!.holderIdentity;
    const record = await lab.fault.killLeader(KCM);
    const killedAt = Date.parse(record.at);
    // The last renewal the killed holder wrote, as the lab reads it (its own client, not hawk's).
    const lastWritten = Date.parse((await lab.leaseHolder(KCM))!.lease.spec.renewTime!);
    const lastSeen = h.state().leases.find((l) => l.name === KCM)!.observedRenewAt!;

    const overdueAt = await h.until(
      'kcm not renewing',
      (s) => s.findings.some((f) => f.ruleId === 'LeaderElectionRenewOverdue' && f.subject?.endsWith(KCM)),
      2 * RETRY_MS,
    );
    const silentMs = overdueAt - lastSeen;
    console.log(
      `[elector openshift] killed ${killedAt - lastSeen} ms after hawk's last renewal seen; not renewing ` +
        `${silentMs} ms ` +
        `after it (${JSON.stringify(h.state().leases.find((l) => l.name === KCM)!.expectedRenewal)})`,
    );
    // Not before a renewal was due; no later than one retry period plus the 35 % slack of a guessed cadence.
    expect(silentMs).toBeGreaterThan(RETRY_MS);
    expect(silentMs).toBeLessThanOrEqual(RETRY_MS * 1.35 + 1000);

    // A standby acquires once the lease (137 s) has passed, at its next jittered retry (≤ 26 s × 1.2).
    const takeoverDeadlineMs = OPENSHIFT.leaseDurationSeconds * 1000 + RETRY_MS * 1.2 + 30_000;
    await h.until(
      'new kcm holder',
      (s) => s.leases.find((l) => l.name === KCM)?.record?.holderIdentity !== oldHolder,
      takeoverDeadlineMs,
    );
    const transition = h.timeline.find(
      (e): e is Extract<TimelineEvent, { kind: 'leader-transition' }> =>
        e.kind === 'leader-transition' && e.transition.lease.endsWith(KCM) && e.at >= killedAt,
    )!.transition;
    const after = (await lab.leaseHolder(KCM))!.lease.spec;
    const truthGapMs = Date.parse(after.acquireTime!) - lastWritten;
    console.log(`[elector openshift] leaderless gap: hawk ${transition.leaderlessMs} ms, the Lease ${truthGapMs} ms`);
    expect(transition.from).toBe(oldHolder);
    expect(truthGapMs).toBeGreaterThan(OPENSHIFT.leaseDurationSeconds * 1000);
    // hawk measures from its own sighting of the last renewal (a watch delivery later than the write).
    expect(Math.abs(transition.leaderlessMs! - truthGapMs)).toBeLessThan(1500);
    await h.until(
      'kcm held again, nothing leader-election open',
      (s) => {
        const lease = s.leases.find((l) => l.name === KCM);
        return (
          lease?.status === 'held' && !s.findings.some((f) => LEADER_RULES.test(f.ruleId) && f.subject?.endsWith(KCM))
        );
      },
      60_000,
    );
  }, 420_000);
});
