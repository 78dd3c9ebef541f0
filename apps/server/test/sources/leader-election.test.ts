import { afterAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@hawk/core';
import { startHawkServer, type RunningHawk } from '@hawk/testkit/hawk-server';
import { finding, useLabHub } from '@hawk/testkit/lab-hub';
import { OBSERVATION_ALLOWANCE_MS } from '@hawk/testkit/observation';

const LOST_RULES = ['LeaderElectionRenewOverdue', 'LeaderElectionLeaderLost'];
/** Past the lease duration, the lab's takeover may take a standby's next retry and scheduling noise on two cores. */
const FAILOVER_SLACK_MS = 10_000;
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
    const labBefore = (await h.lab.leaseHolder(lease))!;
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
    // The lab's own read, apart from hawk: the old holder's process no longer renews (killed, or frozen as /proc
    // shows), another node holds the Lease within its duration plus slack, and leaseTransitions grew.
    expect(await h.lab.processState(labBefore.instance)).toMatch(/^(stopped|frozen)$/);
    const labAfter = (await h.lab.leaseHolder(lease))!;
    expect(labAfter.node).not.toBe(labBefore.node);
    expect(Date.parse(labAfter.lease.spec.acquireTime!) - faultAt).toBeLessThan(
      h.lab.options.leaderElection.leaseDurationSeconds * 1000 + FAILOVER_SLACK_MS,
    );
    expect(labAfter.lease.spec.leaseTransitions ?? 0).toBeGreaterThan(labBefore.lease.spec.leaseTransitions ?? 0);
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

  // hawk's REST over the same hub (started already: the app's start is a no-op then; the hub file stops it).
  let hawk: RunningHawk | undefined;
  const served = async () => (hawk ??= await startHawkServer({ ...h.hub, stop: async () => undefined }));
  afterAll(() => hawk?.close());

  it('scenario 2: the controller-manager leader is killed, and the incident summary says so in numbers', async () => {
    const { url } = await served();
    const lease = 'kube-controller-manager';
    const before = h.state().leases.find((l) => l.name === lease)!;
    // Overdue after the learned cadence plus slack: how long hawk waits before it may say anything.
    const overdueAfterMs = before.overdueAt! - before.observedRenewAt!;
    let killedAt = 0;
    let lastRenewal = Number.NaN;
    await lostAndTakenOver('2', lease, async () => {
      const record = await h.lab.fault.killLeader(lease);
      killedAt = Date.parse(record.at);
      // Read once the holder can renew no more (as the chaos scorer does): its last renewTime is the gap's start.
      lastRenewal = Date.parse((await h.lab.lease(lease))!.spec.renewTime!);
    });
    const faults = await h.lab.faultLog();
    expect(faults.some((f) => f.action === 'kill' && Date.parse(f.at) === killedAt)).toBe(true);
    const taken = (await h.lab.lease(lease))!.spec;
    const acquiredAt = Date.parse(taken.acquireTime!);

    const list = await waitForEndedIncident(url, h.clusterId, killedAt);
    const summary = await (await fetch(`${url}/api/clusters/${h.clusterId}/incidents/${list.n}/summary`)).text();
    console.log(`[incident summary] scenario 2\n${summary}`);
    const read = readSummary(summary, lease);
    // Each number the summary gives, against the lab's fault log and its own Lease reads.
    expect(read.tookOver).toBe(taken.holderIdentity);
    expect(Math.abs(read.gapMs - (acquiredAt - lastRenewal))).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    expect(Math.abs(read.tookOverAt - acquiredAt)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    expect(read.openedAt - (lastRenewal + overdueAfterMs)).toBeGreaterThanOrEqual(0);
    expect(read.openedAt - (lastRenewal + overdueAfterMs)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    expect(read.openedAt - killedAt).toBeLessThanOrEqual(overdueAfterMs + OBSERVATION_ALLOWANCE_MS);
    expect(Math.abs(read.endedAt - acquiredAt)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    const truthRecoveryMs = acquiredAt - (lastRenewal + overdueAfterMs);
    expect(Math.abs(read.recoveryMs - truthRecoveryMs)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    console.log(
      `[incident summary] scenario 2: gap ${read.gapMs} ms (lab ${acquiredAt - lastRenewal}), recovery ` +
        `${read.recoveryMs} ms (lab ${truthRecoveryMs}), opened ${read.openedAt - killedAt} ms after the kill, ` +
        `ended ${read.endedAt - acquiredAt} ms after the acquire`,
    );
    await h.lab.fault.heal();
  });

  it('an apiserver stopped and started: the incident summary matches the readiness the lab read itself', async () => {
    const { url } = await served();
    // A node that holds neither leader: stopping its apiserver then takes no leadership with it (a controller-manager
    // whose apiserver is gone exits, and hawk rightly makes that loss part of the incident, which then ends later).
    const leaders = await Promise.all(
      (['kube-controller-manager', 'kube-scheduler'] as const).map((kind) => h.lab.leaseHolder(kind)),
    );
    const index = [2, 3, 1].find((n) => leaders.every((holder) => holder?.instance.index !== n))!;
    const node = `cp-${index}`;
    const { ip } = (await h.lab.apiServerReadiness()).find((a) => a.index === index)!;
    const before = Date.now();
    // The lab's own view of the apiserver's /readyz every 250 ms: when it went not ready and when it was ready again.
    const truth = { notReadyAt: Number.NaN, readyAgainAt: Number.NaN };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ready = (await h.lab.apiServerReadiness()).find((a) => a.index === index)?.ready;
        if (!ready && Number.isNaN(truth.notReadyAt)) truth.notReadyAt = Date.now();
        if (ready && !Number.isNaN(truth.notReadyAt) && Number.isNaN(truth.readyAgainAt))
          truth.readyAgainAt = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const stop = await h.lab.fault.stopApiServer(index);
    await h.until(`apiserver ${node} not ready`, (s) => finding(s, 'ApiServerInstanceNotReady') !== undefined, 30_000);
    await h.lab.fault.startApiServer(index);
    const incident = await waitForEndedIncident(url, h.clusterId, before, 90_000);
    const summary = await (await fetch(`${url}/api/clusters/${h.clusterId}/incidents/${incident.n}/summary`)).text();
    console.log(`[incident summary] apiserver ${node} stopped\n${summary}`);
    // The lab's own read may come a poll after hawk's probe: wait for it, with a deadline.
    const deadline = Date.now() + 15_000;
    while (Number.isNaN(truth.readyAgainAt) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    watching = false;
    await watcher;
    expect(Number.isNaN(truth.readyAgainAt), `the lab saw ${node} ready again: ${JSON.stringify(truth)}`).toBe(false);
    const faults = await h.lab.faultLog();
    expect(faults.some((f) => f.action === 'stop' && f.at === stop.at && f.target === stop.target)).toBe(true);

    const read = readTimes(summary);
    // hawk's own sighting of the apiserver's first passing /readyz: where any gap to the lab's read comes from.
    const recovered = h.timeline.find(
      (e): e is Extract<TimelineEvent, { kind: 'probe-recovered' }> =>
        e.kind === 'probe-recovered' && e.at >= before && e.target.includes(`${ip}:`),
    );
    const sighting = recovered ? `${recovered.at - truth.readyAgainAt} ms` : '? ms (no probe-recovered event)';
    console.log(`[incident summary] apiserver ${node}: hawk's probe passed ${sighting} after the lab's read`);
    expect(summary).toContain('`ApiServerInstanceNotReady`');
    expect(Math.abs(read.openedAt - truth.notReadyAt)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    expect(read.openedAt - Date.parse(stop.at)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    expect(Math.abs(read.endedAt - truth.readyAgainAt)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    const truthOutageMs = truth.readyAgainAt - truth.notReadyAt;
    expect(Math.abs(read.recoveryMs - truthOutageMs)).toBeLessThanOrEqual(OBSERVATION_ALLOWANCE_MS);
    console.log(
      `[incident summary] apiserver ${node}: opened ${read.openedAt - truth.notReadyAt} ms after the lab saw it ` +
        `not ready (${read.openedAt - Date.parse(stop.at)} ms after the stop's record), ended ` +
        `${read.endedAt - truth.readyAgainAt} ms after the lab saw it ready, recovery ${read.recoveryMs} ms (lab ` +
        `${truthOutageMs} ms)`,
    );
    await h.lab.fault.heal();
  });

  it('scenario 3: the scheduler leader is frozen', async () => {
    await lostAndTakenOver('3', 'kube-scheduler', () => h.lab.fault.freezeLeader('kube-scheduler'));
    await h.lab.fault.heal();
    // The lab's heal thaws the frozen process: the whole topology runs again.
    expect((await h.lab.processes()).every((p) => p.state === 'running')).toBe(true);
  });
});

/** Polls hawk's REST until an incident opened after `since` has ended; returns it. */
async function waitForEndedIncident(url: string, clusterId: string, since: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/api/clusters/${clusterId}/incidents?from=${since - 60_000}`);
    const body = (await response.json()) as { incidents: { n: number; openedAt: number; endedAt: number | null }[] };
    const ended = body.incidents.find((i) => i.openedAt >= since && i.endedAt !== null);
    if (ended) return ended;
    if (Date.now() > deadline) throw new Error(`no incident after ${since} ended in time: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const clockAt = (day: string, clock: string) => Date.parse(`${day}T${clock}Z`);
const seconds = (text: string) => {
  const [, value, unit] = /^([\d.]+) (ms|s)$/.exec(text) ?? [];
  if (!value) throw new Error(`not a short duration: ${text}`);
  return unit === 'ms' ? Number(value) : Math.round(Number(value) * 1000);
};

/** When the summary says the incident opened and ended, and its full recovery, read back as a person would. */
function readTimes(markdown: string) {
  const opening = /^(\d{4}-\d\d-\d\d), opened ([\d:.]+) UTC, ended ([\d:.]+) UTC; full recovery ([\d.]+ m?s) /m.exec(
    markdown,
  );
  if (!opening) throw new Error(`the summary lacks its opening line:\n${markdown}`);
  const day = opening[1]!;
  return {
    day,
    openedAt: clockAt(day, opening[2]!),
    endedAt: clockAt(day, opening[3]!),
    recoveryMs: seconds(opening[4]!),
  };
}

/** The numbers a summary states, with the lease's gap (to 0.1 s). */
function readSummary(markdown: string, lease: string) {
  const times = readTimes(markdown);
  const gap = new RegExp(
    `^- \`kube-system/${lease}\`: leaderless ([\\d.]+ m?s) .*; \`([^\`]+)\` took over at ([\\d:.]+) UTC`,
    'm',
  ).exec(markdown);
  if (!gap) throw new Error(`the summary lacks the ${lease} gap:\n${markdown}`);
  return { ...times, gapMs: seconds(gap[1]!), tookOver: gap[2]!, tookOverAt: clockAt(times.day, gap[3]!) };
}
