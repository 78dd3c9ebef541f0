/**
 * `pnpm chaos --degrade`: ramps a CPU limit on the etcd leader (the lab's throttleEtcd, a cgroup quota) from harmless
 * to election-causing, episode after episode, and measures how long before the first etcd leader change (or Lease
 * loss) hawk's EtcdDegrading opened. Then the margin episodes (support/margin-episodes.ts): a Lease holder frozen in
 * longer and longer bursts until the Lease changes hands, against hawk's LeaderElectionMarginLow. Truth is the lab's:
 * who leads etcd (its own status reads) and who holds the controller-manager and scheduler Leases, polled every
 * 500 ms. Beside it, what Prometheus' etcd-mixin alerts said over the same run: a real Prometheus scraping the
 * members and evaluating those alerts, and the same expressions derived from hawk's own scrapes as a cross-check.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Lab, LeaderElectedKind } from '@hawk/lab';
import { etcdMetricsSample } from '@hawk/server/etcd-metrics';
import { sleep, spawnHawkProcess } from '@hawk/testkit/hawk-process';
import { followCluster, type ClusterFeed } from './support/cluster-feed';
import {
  marginEpisodesMarkdown,
  marginSightings,
  recordMarginEvidence,
  runMarginEpisode,
  type MarginEpisode,
} from './support/margin-episodes';
import { prometheusEtcdAlerts, type DerivedAlert, type MemberScrape } from './support/prometheus-etcd-alerts';
import { RealPrometheus, type PrometheusAlertSeen } from './support/real-prometheus';

const run = promisify(execFile);

/** CPU ms a second the leader may use, in ramp order. The first two are more than etcd uses here: harmless. */
const HARMLESS = [200, 100];
const RAMP = [...HARMLESS, 50, 30, 20, 15, 10, 7, 5, 3, 2];

export interface DegradeEpisode {
  readonly member: string;
  readonly startedAt: number;
  /** Each level's CPU ms per second and when it was set. */
  readonly levels: { readonly cpuMsPerSecond: number; readonly at: number }[];
  /** EtcdDegrading on the throttled member: when it opened and at which level; null when it never did. */
  warningAt: number | null;
  warningLevel: number | null;
  warningTitle: string | null;
  /** EtcdDegrading opened while the level was harmless (any member). */
  harmlessWarnings: number;
  /** Their titles (member and signals), so a false warning says what hawk saw. */
  harmlessWarningTitles: string[];
  /** The lab's truth: the first etcd leader change and the first Lease holder change after the episode started. */
  leaderChangeAt: number | null;
  leaderChangeLevel: number | null;
  leaseLossAt: number | null;
  leaseLost: string | null;
}

export interface DegradeSummary {
  readonly seed: number;
  readonly quietMs: number;
  readonly quietWarnings: readonly string[];
  readonly episodes: readonly DegradeEpisode[];
  /** LeaderElectionMarginLow opened in the quiet period (titles). */
  readonly quietMarginWarnings: readonly string[];
  readonly marginEpisodes: readonly MarginEpisode[];
  readonly prometheus: readonly DerivedAlert[];
  /** What the real Prometheus beside the run had pending or firing. */
  readonly prometheusSeen: readonly PrometheusAlertSeen[];
  readonly runStartedAt: number;
  readonly runEndedAt: number;
  readonly stepMs: number;
}

/** Reads every member's /metrics on its node's plain-HTTP metrics port, as Prometheus would scrape it. */
async function scrapeMembers(lab: Lab): Promise<MemberScrape[]> {
  const members = lab.topology.components.filter((c) => c.kind === 'etcd');
  const answers = await Promise.all(
    members.map(async (member) => {
      const netns = lab.host(member.host).netns;
      const at = Date.now();
      const text = await run('ip', ['netns', 'exec', netns, 'curl', '-s', '-m', '5', 'http://127.0.0.1:2381/metrics'], {
        maxBuffer: 8 * 1024 ** 2,
      }).then(
        (out) => out.stdout,
        () => null,
      );
      return text === null ? null : { member: member.host, sample: etcdMetricsSample(text, at) };
    }),
  );
  return answers.filter((answer): answer is MemberScrape => answer !== null);
}

/** One episode: the leader starved step by step until etcd moves its leadership or a Lease changes hands; healed. */
async function runEpisode(lab: Lab, feed: ClusterFeed, random: () => number, stepMs: number): Promise<DegradeEpisode> {
  const degrading = () => feed.sightings().filter((s) => s.ruleId === 'EtcdDegrading');
  const leader = await lab.etcdLeader();
  if (!leader) throw new Error('etcd has no leader to degrade');
  const holders = async () =>
    Object.fromEntries(
      await Promise.all(
        (['kube-controller-manager', 'kube-scheduler'] as LeaderElectedKind[]).map(
          async (kind) => [kind, (await lab.leaseHolder(kind).catch(() => undefined))?.identity ?? null] as const,
        ),
      ),
    );
  const heldBefore = await holders();
  const episode: DegradeEpisode = {
    member: leader.host,
    startedAt: Date.now(),
    levels: [],
    warningAt: null,
    warningLevel: null,
    warningTitle: null,
    harmlessWarnings: 0,
    harmlessWarningTitles: [],
    leaderChangeAt: null,
    leaderChangeLevel: null,
    leaseLossAt: null,
    leaseLost: null,
  };
  console.error(`[degrade]   throttling etcd ${leader.host}, the leader`);
  // Seeded: each level lasts stepMs ± 25 %, so the ramp's pace differs between episodes.
  for (const level of RAMP) {
    await lab.fault.throttleEtcd(leader.index, level);
    episode.levels.push({ cpuMsPerSecond: level, at: Date.now() });
    const until = Date.now() + stepMs * (0.75 + random() * 0.5);
    while (Date.now() < until && episode.leaderChangeAt === null && episode.leaseLossAt === null) {
      await sleep(500);
      const now = Date.now();
      const opened = degrading().filter((s) => s.openedAt >= episode.startedAt);
      if (HARMLESS.includes(level)) {
        episode.harmlessWarnings = opened.length;
        episode.harmlessWarningTitles = opened.map((sighting) => sighting.title);
      }
      const mine = opened.find((s) => s.subject === leader.host);
      if (mine && episode.warningAt === null) {
        episode.warningAt = mine.openedAt;
        episode.warningLevel = level;
        episode.warningTitle = mine.title;
        console.error(`[degrade]   ${level} ms/s: ${mine.title}`);
      }
      const leads = await lab.etcdLeader().catch(() => undefined);
      if (leads && leads.id !== leader.id) {
        episode.leaderChangeAt = now;
        episode.leaderChangeLevel = level;
        console.error(`[degrade]   ${level} ms/s: etcd leader moved to ${leads.host}`);
      }
      const held = await holders();
      const lost = Object.entries(held).find(([kind, who]) => who !== null && who !== heldBefore[kind]);
      if (lost && episode.leaseLossAt === null) {
        episode.leaseLossAt = now;
        episode.leaseLost = `${lost[0]}: ${heldBefore[lost[0]]} → ${lost[1]}`;
      }
    }
    if (episode.leaderChangeAt !== null || episode.leaseLossAt !== null) break;
  }
  await lab.fault.heal();
  // The next episode starts from a clean window: hawk's own, plus a scrape.
  await feed.waitFor((state) => state.findings.every((f) => f.ruleId !== 'EtcdDegrading'), 300_000);
  return episode;
}

export async function runDegradeChaos(options: {
  readonly lab: Lab;
  readonly seed: number;
  readonly random: () => number;
  readonly episodes: number;
  readonly marginEpisodes: number;
  readonly quietMs: number;
  readonly stepMs: number;
}): Promise<DegradeSummary> {
  const { lab, random, stepMs } = options;
  await lab.fault.heal();
  const runStartedAt = Date.now();
  const env = lab.env();
  const prometheus = await RealPrometheus.start({
    endpoints: (env.HAWK_ETCD_ENDPOINTS ?? '').split(',').filter(Boolean),
    ca: env.HAWK_ETCD_CA ?? '',
    cert: env.HAWK_ETCD_CERT ?? '',
    key: env.HAWK_ETCD_KEY ?? '',
  });
  const hawk = await spawnHawkProcess(env);
  const feed = await followCluster(hawk.url);
  const marginEvidence = recordMarginEvidence(feed);
  const scrapes: MemberScrape[] = [];
  let scraping = true;
  const scraper = (async () => {
    while (scraping) {
      scrapes.push(...(await scrapeMembers(lab)));
      await sleep(15_000);
    }
  })();
  const degrading = () => feed.sightings().filter((s) => s.ruleId === 'EtcdDegrading');
  try {
    // hawk needs a window of reads before it judges at all; the quiet period starts once it can, and from a clean
    // window, as each episode does: a lab just (re)started is slow for a while, and hawk rightly says so until that
    // leaves its window. Counting only openings inside the period would hide what was still open at its start.
    await sleep(70_000);
    await feed.waitFor((state) => state.findings.every((f) => f.ruleId !== 'EtcdDegrading'), 300_000);
    for (const before of degrading())
      console.error(`[degrade] before the quiet period (lab settling): ${before.title}`);
    const quietFrom = Date.now();
    console.error(`[degrade] quiet for ${Math.round(options.quietMs / 1000)} s`);
    await sleep(options.quietMs);
    const quietWarnings = degrading()
      .filter((s) => s.openedAt >= quietFrom)
      .map((s) => s.title);
    const quietMarginWarnings = marginSightings(feed)
      .filter((s) => s.openedAt >= quietFrom)
      .map((s) => s.title);
    const episodes: DegradeEpisode[] = [];
    for (let n = 0; n < options.episodes; n++) {
      console.error(`[degrade] episode ${n + 1}`);
      episodes.push(await runEpisode(lab, feed, random, stepMs));
    }
    const marginEpisodes: MarginEpisode[] = [];
    for (let n = 0; n < options.marginEpisodes; n++) {
      console.error(`[degrade] margin episode ${n + 1}`);
      marginEpisodes.push(await runMarginEpisode({ lab, feed, evidence: marginEvidence, random, stepMs }));
    }
    return {
      seed: options.seed,
      quietMs: options.quietMs,
      quietWarnings,
      episodes,
      quietMarginWarnings,
      marginEpisodes,
      prometheus: prometheusEtcdAlerts(scrapes),
      prometheusSeen: prometheus.alerts(),
      runStartedAt,
      runEndedAt: Date.now(),
      stepMs,
    };
  } finally {
    scraping = false;
    await scraper;
    await lab.fault.heal();
    feed.close();
    await hawk.stop();
    await prometheus.stop();
  }
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

function etcdEpisodesMarkdown(summary: DegradeSummary): string {
  const first = (e: DegradeEpisode) =>
    [e.leaderChangeAt, e.leaseLossAt].filter((t): t is number => t !== null).sort((a, b) => a - b)[0] ?? null;
  const leads = summary.episodes
    .map((e) => (e.warningAt !== null && first(e) !== null ? first(e)! - e.warningAt : null))
    .filter((lead): lead is number => lead !== null)
    .sort((a, b) => a - b);
  const median = leads.length === 0 ? null : leads[Math.floor((leads.length - 1) / 2)]!;
  const rows = summary.episodes.map((e, i) => {
    const at = (t: number | null) => (t === null ? '—' : `+${seconds(t - e.startedAt)}`);
    const lead = e.warningAt !== null && first(e) !== null ? seconds(first(e)! - e.warningAt) : '—';
    return (
      `| ${i + 1} | ${e.member} | ${at(e.warningAt)} (${e.warningLevel ?? '—'} ms/s) | ` +
      `${at(e.leaderChangeAt)} (${e.leaderChangeLevel ?? '—'} ms/s) | ${at(e.leaseLossAt)} | ${lead} | ` +
      `${e.harmlessWarnings} |`
    );
  });
  return [
    `Ramp: CPU ms a second for the etcd leader, ${RAMP.join(' → ')} (${HARMLESS.join(' and ')} harmless), ` +
      `each level ${seconds(summary.stepMs)} ± 25 % (seeded), until the first etcd leader change or Lease loss.`,
    '',
    `Quiet period: ${seconds(summary.quietMs)}, EtcdDegrading opened ${summary.quietWarnings.length} times` +
      (summary.quietWarnings.length ? `: ${summary.quietWarnings.join('; ')}` : ''),
    '',
    '| episode | member | EtcdDegrading opened | etcd leader changed | Lease lost | lead | warnings while harmless |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Lead time: median ${seconds(median)}, min ${seconds(leads[0] ?? null)}, max ${seconds(leads.at(-1) ?? null)} ` +
      `(${leads.length} of ${summary.episodes.length} episodes warned before the change).`,
    ...summary.episodes.flatMap((e, i) =>
      e.harmlessWarningTitles.map((title) => `- Episode ${i + 1}, at a harmless level: ${title}`),
    ),
  ].join('\n');
}

/** etcd-mixin's alerts over the whole run: what the real Prometheus said, then the same expressions derived. */
function prometheusMarkdown(summary: DegradeSummary): string {
  const at = (t: number | null) => (t === null ? 'never' : `+${seconds(t - summary.runStartedAt)}`);
  const real = summary.prometheusSeen.map(
    (a) => `| ${a.alert} | ${a.instance} | ${at(a.pendingAt)} | ${at(a.firingAt)} |`,
  );
  const derived = summary.prometheus.map(
    (a) => `| ${a.alert} | ${a.member} | ${at(a.pendingAt)} | ${at(a.firingAt)} | ${a.peak} |`,
  );
  // hawk's side on the same clock, so the two can be read against each other.
  const hawkSide = summary.episodes.map(
    (e, i) =>
      `- episode ${i + 1}: hawk's EtcdDegrading ${at(e.warningAt)}, etcd leader changed ${at(e.leaderChangeAt)}, ` +
      `Lease lost ${at(e.leaseLossAt)}`,
  );
  return [
    `A real Prometheus (Debian's) scraped every member's /metrics every 15 s for the whole run ` +
      `(${seconds(summary.runEndedAt - summary.runStartedAt)}) and evaluated etcd-mixin's etcdHighFsyncDurations, ` +
      'etcdHighCommitDurations and etcdHighNumberOfLeaderChanges with their `for:`. ' +
      'Times are from the start of the run.',
    '',
    real.length === 0
      ? 'None of them was ever pending or firing.'
      : ['| alert | instance | pending since | firing |', '| --- | --- | --- | --- |', ...real].join('\n'),
    '',
    ...(hawkSide.length > 0 ? ['On the same clock:', '', ...hawkSide, ''] : []),
    'The same expressions derived from hawk-independent scrapes of the same members (a cross-check):',
    '',
    '| alert | member | condition first true | would fire (after `for:`) | peak value |',
    '| --- | --- | --- | --- | --- |',
    ...derived,
  ].join('\n');
}

/** The run's report: a section for each kind of episode that ran. */
export function degradeChaosMarkdown(summary: DegradeSummary): string {
  const sections: string[] = [];
  if (summary.episodes.length > 0) sections.push(`## etcd degrading\n\n${etcdEpisodesMarkdown(summary)}`);
  if (summary.marginEpisodes.length > 0) {
    const quiet = { ms: summary.quietMs, warnings: summary.quietMarginWarnings };
    sections.push(
      `## A leader running out of margin\n\n${marginEpisodesMarkdown(summary.marginEpisodes, quiet, summary.stepMs)}`,
    );
  }
  // A quiet run alone has no episode section to say how quiet it was.
  if (summary.episodes.length === 0 && summary.marginEpisodes.length === 0) {
    const titles = [...summary.quietWarnings, ...summary.quietMarginWarnings];
    sections.push(
      `## Quiet\n\n${seconds(summary.quietMs)} with no fault: EtcdDegrading opened ${summary.quietWarnings.length} ` +
        `times, LeaderElectionMarginLow ${summary.quietMarginWarnings.length} times` +
        (titles.length ? `: ${titles.join('; ')}` : '.'),
    );
  }
  sections.push(`## Prometheus' etcd-mixin over the same run\n\n${prometheusMarkdown(summary)}`);
  return sections.join('\n\n');
}
