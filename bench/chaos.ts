/**
 * `pnpm chaos`: drives the real lab through a seeded random sequence of the faults in
 * docs/scenarios.md, with recovery between them, and scores hawk as an SRE would: was every
 * fault detected (recall), did anything fire with no fault behind it (false alarms, including a
 * quiet steady-state period), how long from fault to finding, and how close each leaderless gap
 * hawk measured is to the truth.
 *
 * Ground truth is the lab's: the fault log (what it did, when) and Leases read with the lab's own
 * client, never through hawk's code. Findings the lab's record can settle (a Lease with no holder in
 * etcd, HAProxy with no backend up) are judged by that record, kept through the run, rather than by
 * the fault's allow-list, and the evidence is printed (support/finding-evidence.ts). hawk is its
 * real backend in a child process, followed over socket.io like the web follows it.
 *
 *   pnpm chaos [--seed 42] [--minutes 10] [--quiet-seconds 60] [--replicas 1]
 *   pnpm chaos --degrade [--seed 42] [--episodes 3] [--margin-episodes 2] [--step-seconds 40] [--quiet-seconds 120]
 *
 * With --replicas 2 or more, see replica-chaos.ts: hawk's own faults are added and every replica is scored.
 * With --degrade, see degrade-chaos.ts: the etcd leader is starved step by step, and hawk's EtcdDegrading is timed
 * against the first leader change, then a Lease holder is frozen in longer and longer bursts and hawk's
 * LeaderElectionMarginLow is timed against the Lease changing hands. With --episodes 0 only the margin episodes run,
 * and their results go to chaos-degrade-margin-* so the etcd figures stay; with both at 0 it is a quiet run alone
 * (--quiet-seconds 1800: the false warnings of half an hour), in chaos-degrade-quiet-*. A real Prometheus evaluating
 * etcd-mixin's alerts runs beside every --degrade run.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLab } from '@hawk/lab';
import { percentile, processUsage, sleep, spawnHawkProcess } from '@hawk/testkit/hawk-process';
import { followCluster, type FindingSighting } from './support/cluster-feed';
import { FAULTS, runFault, seedFaults, seededRandom, significant, type FaultResult } from './support/fault-plans';
import { OBSERVATION_ALLOWANCE_MS } from '@hawk/testkit/observation';
import { JUDGED_RULES, judgeSighting, type Judgement, type LabRecord } from './support/finding-evidence';
import { nowhereSpans, recordLoadBalancer, type LbSample } from './support/lb-record';
import { endedIncidentSummaries } from './support/incident-summaries';
import { holderChanges, recordLeaseTruth } from './support/lease-truth';
import { degradeChaosMarkdown, runDegradeChaos } from './degrade-chaos';
import { replicaChaosMarkdown, runReplicaChaos } from './replica-chaos';

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    minutes: { type: 'string', default: '10' },
    'quiet-seconds': { type: 'string', default: '60' },
    replicas: { type: 'string', default: '1' },
    degrade: { type: 'boolean', default: false },
    episodes: { type: 'string', default: '3' },
    'margin-episodes': { type: 'string', default: '2' },
    'step-seconds': { type: 'string', default: '40' },
  },
});
const seed = Number(args.seed);
// The code that runs is the code at the start: others may commit while a run lasts.
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const budgetMs = Number(args.minutes) * 60_000;
const quietMs = Number(args['quiet-seconds']) * 1000;

seedFaults(seed);
const random = seededRandom(seed + 1);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const lab = await ensureLab({}, { onProgress: (message) => console.error(`[lab] ${message}`) });
await lab.fault.heal();
if (args.degrade) {
  const summary = await runDegradeChaos({
    lab,
    seed,
    random,
    episodes: Number(args.episodes),
    marginEpisodes: Number(args['margin-episodes']),
    quietMs,
    stepMs: Number(args['step-seconds']) * 1000,
  });
  const markdown =
    `# chaos --degrade ${new Date().toISOString()}\n\ncommit ${commit} at start, seed ${seed}, ` +
    `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB\n\n${degradeChaosMarkdown(summary)}\n`;
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // A run of quiet alone (no episodes) counts false alarms over a long calm, kept apart from the episodes' figures.
  const name =
    summary.episodes.length > 0
      ? 'chaos-degrade'
      : summary.marginEpisodes.length > 0
        ? 'chaos-degrade-margin'
        : 'chaos-degrade-quiet';
  writeFileSync(join(dir, `${name}-seed-${seed}.json`), JSON.stringify(summary, null, 2));
  writeFileSync(join(dir, `${name}-latest.md`), markdown);
  console.log(markdown);
  process.exit(0);
}
const replicaCount = Number(args.replicas);
if (replicaCount > 1) {
  const summary = await runReplicaChaos({
    lab,
    replicas: replicaCount,
    budgetMs,
    quietMs,
    pick,
    shuffle: (items) => [...items].sort(() => random() - 0.5),
  });
  const header =
    `# chaos run with replicas ${new Date().toISOString()}\n\ncommit ${commit} at start, seed ${seed}, ` +
    `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB\n\n`;
  const markdown = header + replicaChaosMarkdown(summary);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // Per seed (the README quotes more than one seed's run); the truth snapshots make the JSON large, so it is kept once.
  writeFileSync(join(dir, `chaos-replicas-seed-${seed}.json`), JSON.stringify({ seed, ...summary }, null, 2));
  writeFileSync(join(dir, `chaos-replicas-seed-${seed}.md`), markdown);
  writeFileSync(join(dir, 'chaos-replicas-latest.md'), markdown);
  console.log(markdown);
  process.exit(0);
}
const hawk = await spawnHawkProcess(lab.env());
const feed = await followCluster(hawk.url);
console.error(`[chaos] seed ${seed}, budget ${args.minutes} min; hawk at ${hawk.url}, following ${feed.clusterId}`);
// The lab's record through the whole run: the control plane's Leases as etcd holds them, HAProxy's view of its
// backends.
const leaseTruth = recordLeaseTruth(lab, ['kube-system/kube-scheduler', 'kube-system/kube-controller-manager'], 250);
const lbRecord = lab.hasLoadBalancer ? recordLoadBalancer(lab) : null;
const labRecord = (): LabRecord => ({
  leaseChanges: leaseTruth.changes(),
  leaseUnread: leaseTruth.unread(),
  lb: lbRecord?.samples() ?? [],
});
const judge = (sighting: FindingSighting) => judgeSighting(sighting, labRecord(), Date.now());
// What hawk itself showed as each judged finding opened (its evidence, and for a Lease the record it held), so a
// false one can be traced in hawk's code.
const hawkSaw = new Map<string, string>();
feed.onOpen((sighting, state) => {
  if (!JUDGED_RULES.includes(sighting.ruleId)) return;
  const evidence = state.findings.find((f) => f.id === sighting.id)?.evidence;
  const lease = state.leases.find((view) => `${view.namespace}/${view.name}` === sighting.subject);
  const record = lease && {
    holderIdentity: lease.record?.holderIdentity ?? null,
    deleted: lease.record === null,
    resourceVersion: lease.record?.resourceVersion,
    watch: state.sources.leases?.state,
  };
  hawkSaw.set(`${sighting.id}@${sighting.openedAt}`, JSON.stringify({ ...evidence, ...(record ? { record } : {}) }));
});
// hawk's memory over the run: a leak shows here before the OOM killer shows it.
// The machine's load too: timings depend on it.
let peakRssBytes = 0;
const loads: number[] = [];
const rssTimer = setInterval(() => {
  loads.push(loadavg()[0]!);
  try {
    peakRssBytes = Math.max(peakRssBytes, processUsage(hawk.pid).rssBytes);
  } catch {
    /* exited */
  }
}, 5000);

// 1. Quiet period: steady state, nothing may fire above info.
await sleep(10_000);
const quietStart = feed.sightings().length;
await sleep(quietMs);
const quietJudged: Judgement[] = [];
const quietFalseAlarms = feed
  .sightings()
  .slice(quietStart)
  .filter(significant)
  .filter((s) => {
    const judgement = judge(s);
    if (judgement) quietJudged.push(judgement);
    return judgement?.verdict !== 'true';
  })
  .map((s) => s.ruleId);
console.error(`[chaos] quiet ${quietMs / 1000}s: ${quietFalseAlarms.length} false alarm(s)`);

// 2. Faults until the budget runs out, each healed before the next.
const results: FaultResult[] = [];
const started = Date.now();
const order = [...FAULTS].sort(() => random() - 0.5);
let next = 0;
let backendDied: string | null = null;
while (Date.now() - started < budgetMs) {
  const plan = next < order.length ? order[next++]! : pick(FAULTS);
  console.error(`[chaos] ${new Date().toISOString()} ${plan.name}`);
  const episodeStart = Date.now();
  const result = await runFault(lab, feed, plan, judge);
  if (!hawk.alive()) {
    // Not a miss of hawk's judgement but its death: score what ran before, and say so.
    backendDied = `hawk's backend died during "${plan.name}" (${hawk.death()})`;
    console.error(`[chaos] ${backendDied}: stopping the run`);
    await lab.fault.heal();
    break;
  }
  results.push(result);
  console.error(
    `[chaos]   detected=${result.detected} in ${result.detectionMs ?? '-'} ms (${result.firstRule ?? '-'}), gap ` +
      `truth ${result.gapTruthMs ?? '-'} ms / hawk ${result.gapHawkMs ?? '-'} ms, false alarms: ` +
      `${result.falseAlarms.join(', ') || 'none'}`,
  );
  for (const summary of await endedIncidentSummaries(hawk.url, feed.clusterId, episodeStart))
    console.error(`[chaos]   incident summary:\n${summary}`);
}
clearInterval(rssTimer);
feed.close();
await hawk.stop();
await leaseTruth.stop();
await lbRecord?.stop();

// 3. Score.
/** Per fault kind: how often it ran, was detected, and its fault → finding p50/p95/max. */
function byFault(all: readonly FaultResult[]) {
  return [...new Set(all.map((r) => r.fault))].map((fault) => {
    const runs = all.filter((r) => r.fault === fault);
    const ms = runs.filter((r) => r.detectionMs !== null).map((r) => r.detectionMs!);
    return {
      fault,
      runs: runs.length,
      detected: runs.filter((r) => r.detected).length,
      alreadyShown: runs.filter((r) => r.alreadyShown).length,
      p50: percentile(ms, 50),
      p95: percentile(ms, 95),
      max: ms.length ? Math.max(...ms) : null,
      falseAlarms: runs.reduce((n, r) => n + r.falseAlarms.length, 0),
    };
  });
}
const detected = results.filter((r) => r.detected);
const latencies = detected.filter((r) => r.detectionMs !== null).map((r) => r.detectionMs!);
const gaps = results
  .filter((r) => r.gapTruthMs !== null && r.gapHawkMs !== null)
  .map((r) => Math.abs(r.gapHawkMs! - r.gapTruthMs!));
const round1 = (value: number) => Math.round(value * 10) / 10;
const lbSamples = lbRecord?.samples() ?? [];
const lbView = (sample: LbSample) => sample.error ?? sample.servers.join(', ');
const summary = {
  seed,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  },
  commit,
  at: new Date().toISOString(),
  faults: results.length,
  recall: detected.length / Math.max(1, results.length),
  falseAlarms: results.reduce((sum, r) => sum + r.falseAlarms.length, 0) + quietFalseAlarms.length,
  quietPeriodSeconds: quietMs / 1000,
  quietFalseAlarms,
  backendDied,
  hawkPeakRssMiB: Math.round(peakRssBytes / 2 ** 20),
  /** The machine's 1-minute load average, sampled every 5 s over the run. */
  load: loads.length
    ? { mean: round1(loads.reduce((a, b) => a + b, 0) / loads.length), max: round1(Math.max(...loads)) }
    : null,
  record: {
    leaseChanges: leaseTruth.changes().length,
    leaseUnreadPolls: leaseTruth.unread().length,
    lbReads: lbSamples.length,
    lbUnread: lbSamples.filter((sample) => sample.error && !sample.refused).length,
  },
  quietJudged,
  /** The lab's record, compact: every holder change of the Leases in etcd, every change of HAProxy's view. */
  timeline: {
    leases: holderChanges(leaseTruth.changes(), 0).map(({ key, holderIdentity, modRevision, seenAt }) => ({
      key,
      holderIdentity,
      modRevision,
      seenAt,
    })),
    haproxy: lbSamples
      .filter((sample, index) => index === 0 || lbView(sample) !== lbView(lbSamples[index - 1]!))
      .map((sample) => ({ at: sample.at, view: lbView(sample) })),
  },
  detectionMs: {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: latencies.length ? Math.max(...latencies) : null,
  },
  byFault: byFault(results),
  leaderlessGapErrorMs: { count: gaps.length, p50: percentile(gaps, 50), max: gaps.length ? Math.max(...gaps) : null },
  results,
};

const table = [
  '| fault | detected | fault → finding (ms) | first finding | gap truth (ms) | gap hawk (ms) | false alarms |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.fault} | ${r.detected ? 'yes' : 'NO'} | ${r.detectionMs ?? '-'} | ${r.firstRule ?? '-'} | ` +
      `${r.gapTruthMs ?? '-'} | ${r.gapHawkMs ?? '-'} | ${r.falseAlarms.join(', ') || '-'} |`,
  ),
].join('\n');
const perKind = [
  '| fault kind | runs | detected | p50 (ms) | p95 (ms) | max (ms) | false alarms |',
  '|---|---|---|---|---|---|---|',
  ...summary.byFault.map(
    (k) =>
      `| ${k.fault} | ${k.runs} | ` +
      `${k.detected}/${k.runs}${k.alreadyShown ? ` (${k.alreadyShown} already shown)` : ''} | ` +
      `${Number.isNaN(k.p50) ? '-' : k.p50} | ${Number.isNaN(k.p95) ? '-' : k.p95} | ${k.max ?? '-'} | ` +
      `${k.falseAlarms} |`,
  ),
].join('\n');
const clock = (at: number | null) => (at === null ? 'open' : new Date(at).toISOString().slice(11, 23));
const judgedRow = (phase: string, j: Judgement) => {
  const verdict = j.verdict === 'true' ? 'true' : '**false alarm**';
  const hawkShowed = hawkSaw.get(`${j.findingId}@${j.openedAt}`) ?? '-';
  return (
    `| ${phase} | ${j.ruleId} | ${j.subject ?? '-'} | ${clock(j.openedAt)}–${clock(j.closedAt)} | ${verdict} | ` +
    `${j.evidence} | \`${hawkShowed}\` |`
  );
};
const judgedRows = [
  ...quietJudged.map((j) => judgedRow('quiet', j)),
  ...results.flatMap((r) => r.judged.map((j) => judgedRow(r.fault, j))),
];
const judgedHeader =
  "| during | finding | subject | shown (bench clock) | verdict | the lab's record | hawk's evidence as it opened |";
const judgedTable = judgedRows.length
  ? [judgedHeader, '|---|---|---|---|---|---|---|', ...judgedRows].join('\n')
  : 'none raised';
const { record } = summary;
// Whether "load balancer unreachable" was ever true, raised or not: HAProxy routing nowhere, and during which fault.
const phaseAt = (at: number) => results.findLast((r) => r.injectedAt <= at)?.fault ?? 'quiet';
const nowhere = nowhereSpans(lbSamples).map((span) => {
  const what = span.refused ? 'refused' : 'no backend UP';
  return `${clock(span.from)}–${clock(span.to)} ${what}, ${span.reads} read(s), during "${phaseAt(span.from)}"`;
});
const judgedSection = [
  "## Findings judged against the lab's record\n",
  'LeaderElectionNoHolder against the Lease as etcd held it (every member read every 250 ms), LoadBalancerUnreachable',
  `against HAProxy's stats (read every 250 ms): true when the record shows the claim between ` +
    `${OBSERVATION_ALLOWANCE_MS / 1000} s`,
  'before hawk showed it and when it cleared, else a false alarm.',
  `Record: ${record.leaseChanges} Lease changes, ${record.leaseUnreadPolls} etcd polls unanswered;`,
  `${record.lbReads} HAProxy reads, ${record.lbUnread} unanswered (refusals aside).`,
  `HAProxy routed nowhere (raised or not): ${nowhere.join('; ') || 'never'}.\n`,
  judgedTable,
].join('\n');
const markdown =
  `# chaos run ${summary.at}\n\ncommit ${summary.commit} at start, seed ${seed}, ` +
  `${summary.machine.cpus} cores (${summary.machine.cpuModel}), ${summary.machine.memoryGiB} GiB\n\n` +
  `recall ${(summary.recall * 100).toFixed(0)}% (${detected.length}/${results.length}); ` +
  `false alarms ${summary.falseAlarms} (quiet ${summary.quietPeriodSeconds}s: ${quietFalseAlarms.length}); ` +
  `fault → finding p50 ${summary.detectionMs.p50} ms, p95 ${summary.detectionMs.p95} ms, max ` +
  `${summary.detectionMs.max} ms; leaderless gap error p50 ${summary.leaderlessGapErrorMs.p50} ms, max ` +
  `${summary.leaderlessGapErrorMs.max} ms (${gaps.length} failovers); hawk's peak RSS ${summary.hawkPeakRssMiB} ` +
  `MiB; machine load (1-min) mean ${summary.load?.mean}, max ` +
  `${summary.load?.max}\n\n${backendDied ? `**${backendDied}**\n\n` : ''}## By fault kind\n\n${perKind}\n\n## ` +
  `Every fault, in order\n\n${table}\n\n${judgedSection}\n`;
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
// Per seed (the README quotes more than one seed's run), and the latest.
writeFileSync(join(dir, `chaos-seed-${seed}.json`), JSON.stringify(summary, null, 2));
writeFileSync(join(dir, `chaos-seed-${seed}.md`), markdown);
writeFileSync(join(dir, 'chaos-latest.json'), JSON.stringify(summary, null, 2));
writeFileSync(join(dir, 'chaos-latest.md'), markdown);
console.log(markdown);
process.exit(0);
