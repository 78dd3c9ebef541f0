/**
 * `pnpm bench:electors [--elector kube|openshift|operators] [--steady-minutes 10] [--kills 3]`: hawk's "leader not
 * renewing" judgement on the real kube-controller-manager and kube-scheduler run with an elector's timings, beside the
 * judgement hawk had before (client-go's 2 s retry assumed until three intervals were learned, 1 s slack, judged on a
 * 1 s tick), replayed over the very renewals this hawk observed, in the same run.
 *
 * Reports per elector: "not renewing" warnings during the steady period (both judgements; any is a false alarm), and
 * per killed leader the time from hawk's last observed renewal to the warning (both), and the leaderless gap.
 * Writes bench/results/electors-<elector>.md.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LeaseView, TimelineEvent } from '@hawk/core';
import { ELECTOR_TIMINGS, ensureLab, type ElectorTimingsName } from '@hawk/lab';
import { sleep } from '@hawk/testkit/hawk-process';
import { startLabHub } from '@hawk/testkit/lab-hub';
import { previousJudgement, type ObservedRenewal } from './support/previous-lease-judgement';

const { values: args } = parseArgs({
  options: {
    elector: { type: 'string', default: 'kube' },
    'steady-minutes': { type: 'string', default: '10' },
    kills: { type: 'string', default: '3' },
  },
});
const elector = args.elector as ElectorTimingsName;
const timings = ELECTOR_TIMINGS[elector];
if (!timings) throw new Error(`--elector: one of ${Object.keys(ELECTOR_TIMINGS).join(', ')}`);
const steadyMs = Number(args['steady-minutes']) * 60_000;
const kills = Number(args.kills);
const LEASES = ['kube-controller-manager', 'kube-scheduler'] as const;

const lab = await ensureLab(
  { leaderElection: timings },
  { onProgress: (message) => console.error(`[lab] ${message}`) },
);
await lab.fault.heal();
const h = await startLabHub({ lab });
await h.until('both leaders held', (s) => s.leases.filter((l) => l.status === 'held').length >= 2, 180_000);
const startedAt = h.startedAt;

// Every renewal this hawk observed, with hawk's own stamp: the stream both judgements are given.
const observed = new Map<string, ObservedRenewal[]>(LEASES.map((name) => [name, []]));
h.hub.onState((state) => {
  for (const lease of state.leases) {
    const seen = observed.get(lease.name);
    if (!seen || lease.observedRenewAt === null || seen.at(-1)?.observedAt === lease.observedRenewAt) continue;
    seen.push({ observedAt: lease.observedRenewAt, holder: lease.record?.holderIdentity ?? null });
  }
});
const notRenewingOpened = (from: number, to: number, lease: string) =>
  h.timeline.filter(
    (e): e is Extract<TimelineEvent, { kind: 'finding-opened' }> =>
      e.kind === 'finding-opened' &&
      e.finding.ruleId === 'LeaderElectionRenewOverdue' &&
      (e.finding.subject?.endsWith(lease) ?? false) &&
      e.at >= from &&
      e.at <= to,
  );

console.error(`[electors] ${elector} ${JSON.stringify(timings)}: steady ${steadyMs / 60_000} min`);
await sleep(steadyMs);
const steadyEnd = Date.now();
const steadyRows = LEASES.map((name) => {
  const before = previousJudgement(observed.get(name)!, startedAt, steadyEnd);
  return {
    name,
    now: notRenewingOpened(startedAt, steadyEnd, name).length,
    before: before.overdueEpisodes.length,
    renewals: observed.get(name)!.length,
  };
});

interface KillRow {
  readonly lease: string;
  readonly nowMs: number | null;
  readonly beforeMs: number | null;
  readonly gapMs: number | null;
  readonly basis: string;
}
const killRows: KillRow[] = [];
for (let i = 0; i < kills; i++) {
  const lease = 'kube-controller-manager';
  const oldHolder = h.state().leases.find((l) => l.name === lease)!.record!.holderIdentity;
  const record = await lab.fault.killLeader(lease);
  const killedAt = Date.parse(record.at);
  const view = (): LeaseView => h.state().leases.find((l) => l.name === lease)!;
  const lastSeen = observed
    .get(lease)!
    .filter((renewal) => renewal.observedAt <= killedAt)
    .at(-1)!.observedAt;
  const overdueAt = await h.until(
    `${lease} not renewing`,
    () => notRenewingOpened(killedAt - 5000, Date.now(), lease).length > 0,
    4 * timings.retryPeriodSeconds * 1000 + 10_000,
  );
  const basis = JSON.stringify(view().expectedRenewal);
  const takeoverMs = timings.leaseDurationSeconds * 1000 + timings.retryPeriodSeconds * 1200 + 30_000;
  await h.until(`${lease} new holder`, () => view().record?.holderIdentity !== oldHolder, takeoverMs);
  const transition = h.timeline.find(
    (e): e is Extract<TimelineEvent, { kind: 'leader-transition' }> =>
      e.kind === 'leader-transition' && e.transition.lease.endsWith(lease) && e.at >= killedAt,
  );
  const before = previousJudgement(observed.get(lease)!, startedAt, Date.now());
  const beforeEpisode = before.overdueEpisodes.find((at) => at > lastSeen);
  killRows.push({
    lease,
    nowMs: notRenewingOpened(killedAt - 5000, overdueAt, lease)[0]!.at - lastSeen,
    beforeMs: beforeEpisode === undefined ? null : beforeEpisode - lastSeen,
    gapMs: transition?.transition.leaderlessMs ?? null,
    basis,
  });
  console.error(`[electors] kill ${i + 1}: ${JSON.stringify(killRows.at(-1))}`);
  await lab.fault.heal();
  await sleep(5 * timings.retryPeriodSeconds * 1000);
}
await h.stop();

const fmt = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const markdown = [
  `# Elector timings: ${elector} (lease ${timings.leaseDurationSeconds} s, renew deadline ` +
    `${timings.renewDeadlineSeconds} s, retry ${timings.retryPeriodSeconds} s)`,
  '',
  `${new Date().toISOString()}, commit ${commit}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; ` +
    `\`pnpm bench:electors --elector ${elector} --steady-minutes ${args['steady-minutes']} --kills ${kills}\``,
  '',
  '"before": the judgement hawk had until this change ' +
    '(2 s assumed until 3 intervals were learned, +1 s slack, 1 s tick),',
  'replayed over the same renewals this run observed. "now": what this hawk said.',
  '',
  `## Steady ${steadyMs / 60_000} min: "not renewing" warnings (all false alarms)`,
  '',
  '| lease | renewals observed | now | before |',
  '|---|---|---|---|',
  ...steadyRows.map((row) => `| ${row.name} | ${row.renewals} | ${row.now} | ${row.before} |`),
  '',
  '## controller-manager leader killed: last observed renewal → "not renewing"',
  '',
  '| kill | now | before | leaderless gap (hawk) | expectation when called |',
  '|---|---|---|---|---|',
  ...killRows.map(
    (row, i) => `| ${i + 1} | ${fmt(row.nowMs)} | ${fmt(row.beforeMs)} | ${fmt(row.gapMs)} | \`${row.basis}\` |`,
  ),
  '',
].join('\n');
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `electors-${elector}.md`), markdown);
console.log(markdown);
process.exit(0);
