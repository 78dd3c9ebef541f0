/**
 * Leader-margin episodes for `pnpm chaos --degrade` (issue 28 §2): the holder of a control-plane Lease is frozen
 * (SIGSTOP) for longer and longer in each freeze/thaw cycle, from harmless to lease-losing, and hawk's
 * LeaderElectionMarginLow is timed against the lab's own Lease reads: the holder changing hands.
 *
 * Why these levels: kube's elector (15/10/2 s) renews 2 s after its last renewal, or at once when thawed, and a freeze
 * that lands just as a renewal is due makes an interval of F + 2 s. Up to 3 s that stays under 6 s, hawk's "late" (60 %
 * of the 10 s renew deadline): the leader keeps half its deadline, harmless. Past 8 s a renewal caught by the freeze
 * outlasts the deadline: the holder gives up and a standby takes the Lease. Between the two the renewals come late but
 * in time, the band a warning must fall in, so the ramp crosses it 1 s at a time (a first run stepping 5 → 7 → 9 s
 * crossed it in two levels, and the lead it measured was mostly one step's length).
 */
import type { Lab, LeaderElectedKind } from '@hawk/lab';
import { sleep } from '@hawk/testkit/hawk-process';
import type { ClusterFeed, FindingSighting } from './cluster-feed';

/** Seconds the holder is frozen in each cycle, in ramp order; 1 and 3 s are harmless (see above). */
const FREEZE_RAMP_S = [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15];
const HARMLESS_FREEZE_S = 3;
/** Running time between freezes: one retry period, so the thawed holder renews before the next freeze. */
const THAW_MS = 2_000;
const MARGIN_RULE = 'LeaderElectionMarginLow';

export interface MarginEpisode {
  readonly lease: LeaderElectedKind;
  readonly holder: string;
  readonly startedAt: number;
  /** Each level's freeze (s a cycle) and when it was set. */
  readonly levels: { readonly freezeSeconds: number; readonly at: number }[];
  /** LeaderElectionMarginLow on this Lease: when it opened, at which freeze, its title and evidence then. */
  warningAt: number | null;
  warningLevel: number | null;
  warningTitle: string | null;
  /** The renewal intervals hawk judged (ms) and the cause it named when the warning opened. */
  warningIntervalsMs: string | null;
  likelyCause: string | null;
  /** Margin warnings (any Lease) opened while the freeze was harmless. */
  harmlessWarnings: number;
  /** The lab's truth: the Lease's holder changed (read through the apiservers every 500 ms). */
  leaseLossAt: number | null;
  leaseLossLevel: number | null;
  leaseLost: string | null;
}

type MarginEvidence = ReadonlyMap<FindingSighting, Readonly<Record<string, unknown>>>;

/** Remembers each margin warning's evidence as it opened (the sighting keeps only the title). */
export function recordMarginEvidence(feed: ClusterFeed): MarginEvidence {
  const evidence = new Map<FindingSighting, Readonly<Record<string, unknown>>>();
  feed.onOpen((sighting, state) => {
    if (sighting.ruleId !== MARGIN_RULE) return;
    const finding = state.findings.find((f) => f.id === sighting.id);
    if (finding) evidence.set(sighting, finding.evidence);
  });
  return evidence;
}

export const marginSightings = (feed: ClusterFeed) => feed.sightings().filter((s) => s.ruleId === MARGIN_RULE);

/** Sleeps `ms` in short steps while `going()` holds, so a stop is seen within 250 ms. */
async function sleepWhile(ms: number, going: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (going() && Date.now() < until) await sleep(Math.min(250, until - Date.now()));
}

/** One look at hawk's margin warning on the episode's Lease and at the Lease's holder (the lab's read). */
async function observe(
  options: { readonly lab: Lab; readonly feed: ClusterFeed; readonly evidence: MarginEvidence },
  episode: MarginEpisode,
  level: number,
): Promise<void> {
  const now = Date.now();
  const subject = `kube-system/${episode.lease}`;
  const mine = marginSightings(options.feed).find((s) => s.subject === subject && s.openedAt >= episode.startedAt);
  if (mine && episode.warningAt === null) {
    const evidence = options.evidence.get(mine);
    episode.warningAt = mine.openedAt;
    episode.warningLevel = level;
    episode.warningTitle = mine.title;
    episode.warningIntervalsMs = (evidence?.recentIntervalsMs as string | undefined) ?? null;
    episode.likelyCause = (evidence?.likelyCause as string | null | undefined) ?? null;
    console.error(`[degrade]   frozen ${level} s a cycle: ${mine.title}`);
  }
  const held = await options.lab.leaseHolder(episode.lease).catch(() => undefined);
  if (held && held.identity !== episode.holder) {
    episode.leaseLossAt = now;
    episode.leaseLossLevel = level;
    episode.leaseLost = `${episode.holder} → ${held.identity}`;
    console.error(`[degrade]   frozen ${level} s a cycle: ${episode.lease} Lease lost to ${held.identity}`);
  }
}

/** One episode: the Lease's holder frozen longer and longer each cycle until the Lease changes hands; healed. */
export async function runMarginEpisode(options: {
  readonly lab: Lab;
  readonly feed: ClusterFeed;
  readonly evidence: MarginEvidence;
  readonly random: () => number;
  readonly stepMs: number;
}): Promise<MarginEpisode> {
  const { lab, feed, random, stepMs } = options;
  const lease: LeaderElectedKind = random() < 0.5 ? 'kube-controller-manager' : 'kube-scheduler';
  const holder = await lab.leaseHolder(lease);
  if (!holder) throw new Error(`${lease} has no holder to freeze`);
  const episode: MarginEpisode = {
    lease,
    holder: holder.identity,
    startedAt: Date.now(),
    levels: [],
    warningAt: null,
    warningLevel: null,
    warningTitle: null,
    warningIntervalsMs: null,
    likelyCause: null,
    harmlessWarnings: 0,
    leaseLossAt: null,
    leaseLossLevel: null,
    leaseLost: null,
  };
  console.error(`[degrade]   freezing ${lease}'s holder ${holder.identity} in bursts`);
  let freezeSeconds = FREEZE_RAMP_S[0]!;
  let bursting = true;
  const going = () => bursting;
  const bursts = (async () => {
    while (bursting) {
      await lab.fault.freeze(lease, holder.instance.index);
      await sleepWhile(freezeSeconds * 1000, going);
      // Always thawed, even when stopping: heal restarts an ex-leader, it must not find one half-done.
      await lab.fault.thaw(lease, holder.instance.index);
      await sleepWhile(THAW_MS, going);
    }
  })().catch((error: unknown) => {
    // After a loss the thawed ex-leader exits by itself; a freeze of a gone process is the end of the bursts.
    console.error(`[degrade]   bursts ended: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    for (const level of FREEZE_RAMP_S) {
      freezeSeconds = level;
      episode.levels.push({ freezeSeconds: level, at: Date.now() });
      // Seeded: each level lasts the step ± 25 %, and at least two of its cycles.
      const levelMs = Math.max(stepMs * (0.75 + random() * 0.5), 2 * (level * 1000 + THAW_MS));
      const until = Date.now() + levelMs;
      while (Date.now() < until && episode.leaseLossAt === null) {
        await sleep(500);
        await observe(options, episode, level);
      }
      if (episode.leaseLossAt !== null) break;
    }
  } finally {
    bursting = false;
    await bursts;
  }
  const firstHarmful = episode.levels.find((l) => l.freezeSeconds > HARMLESS_FREEZE_S)?.at ?? Infinity;
  episode.harmlessWarnings = marginSightings(feed).filter(
    (s) => s.openedAt >= episode.startedAt && s.openedAt < firstHarmful,
  ).length;
  await lab.fault.heal();
  // The next episode starts once hawk has seen on-time renewals push the late ones out of its window.
  await feed
    .waitFor((state) => state.findings.every((f) => f.ruleId !== MARGIN_RULE), 120_000)
    .catch(() => console.error('[degrade]   a margin warning still open 120 s after heal'));
  return episode;
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function marginEpisodesMarkdown(
  episodes: readonly MarginEpisode[],
  quiet: { readonly ms: number; readonly warnings: readonly string[] },
  stepMs: number,
): string {
  const lead = (e: MarginEpisode) =>
    e.warningAt !== null && e.leaseLossAt !== null && e.warningAt <= e.leaseLossAt ? e.leaseLossAt - e.warningAt : null;
  const leads = episodes
    .map(lead)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  const median = leads.length === 0 ? null : leads[Math.floor((leads.length - 1) / 2)]!;
  const rows = episodes.map((e, i) => {
    const at = (t: number | null) => (t === null ? '—' : `+${seconds(t - e.startedAt)}`);
    const level = (s: number | null) => (s === null ? '' : ` (frozen ${s} s a cycle)`);
    return (
      `| ${i + 1} | ${e.lease} | ${at(e.warningAt)}${level(e.warningLevel)} | ${e.warningIntervalsMs ?? '—'} | ` +
      `${e.warningAt === null ? '—' : (e.likelyCause ?? 'none named')} | ` +
      `${at(e.leaseLossAt)}${level(e.leaseLossLevel)} | ` +
      `${seconds(lead(e))} | ${e.harmlessWarnings} |`
    );
  });
  return [
    `Ramp: the Lease holder frozen ${FREEZE_RAMP_S.join(' → ')} s in each cycle, running ${seconds(THAW_MS)} ` +
      `between freezes (${FREEZE_RAMP_S.filter((s) => s <= HARMLESS_FREEZE_S).join(', ')} s harmless), each level ` +
      `${seconds(stepMs)} ± 25 % and at least two cycles (seeded), until the Lease changed hands.`,
    '',
    `Quiet period: ${seconds(quiet.ms)}, LeaderElectionMarginLow opened ${quiet.warnings.length} times` +
      (quiet.warnings.length ? `: ${quiet.warnings.join('; ')}` : ''),
    '',
    '| episode | Lease | margin warning opened | intervals hawk judged (ms) | likely cause named | Lease lost | ' +
      'lead | warnings while harmless |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Lead time: median ${seconds(median)}, min ${seconds(leads[0] ?? null)}, max ${seconds(leads.at(-1) ?? null)} ` +
      `(${leads.length} of ${episodes.length} episodes warned before the loss).`,
  ].join('\n');
}
