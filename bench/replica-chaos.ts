/**
 * `pnpm chaos --replicas N`: N real hawk backends watch the lab and elect on hawk's own Lease in it,
 * as the Helm chart deploys them. Besides the lab's faults, hawk itself is faulted: its leading
 * replica SIGKILLed (and started again), frozen, and leadership handed over twice; and the lab loses
 * etcd quorum while holding hawk's Lease. Every replica's view is scored against the lab's truth.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ClusterState } from '@hawk/core';
import type { Lab } from '@hawk/lab';
import { freePort, percentile, sleep, spawnHawkProcess, type HawkProcess } from '@hawk/testkit/hawk-process';
import { followCluster, type ClusterFeed, type FindingSighting } from './support/cluster-feed';
import { FAULTS, runFault, significant, type FaultPlan, type FaultResult } from './support/fault-plans';
import { recordLeaseTruth, type LabTruth } from './support/lease-truth';

interface Replica {
  readonly name: string;
  readonly port: number;
  process: HawkProcess;
  feed: ClusterFeed;
  /** Feeds of this replica's earlier processes (before a kill): their findings still count as episodes. */
  readonly pastFeeds: ClusterFeed[];
}

/** A finding opening on one replica, with what that replica showed and the lab's truth at that instant. */
interface FindingAtOpen {
  readonly replica: string;
  /** The fault running (or 'quiet'), so a false alarm can be matched with its cause. */
  readonly phase: string;
  readonly findingId: string;
  readonly ruleId: string;
  readonly title: string;
  readonly openedAt: number;
  /** For a lease finding, the replica's own view of that Lease as it opened. */
  readonly hawkView: Record<string, unknown> | null;
  /** Index into `truths`: findings opening together share one snapshot. */
  readonly truth: number;
}

/** One opening-to-resolution of a finding, merged across replicas, with the pages it caused. */
interface FindingEpisode {
  readonly findingId: string;
  readonly phase: string;
  readonly titles: Set<string>;
  readonly openedAt: number;
  closedAt: number | null;
  firingPages: number;
  resolvedPages: number;
}

/** What one replica showed during one fault. */
interface ReplicaScore {
  readonly replica: string;
  readonly detected: boolean;
  readonly detectionMs: number | null;
  readonly falseAlarms: readonly string[];
}

interface HawkFaultResult {
  readonly fault: string;
  /** Longest age of the view of any replica NOT faulted, sampled every 250 ms while hawk itself was faulted (ms). */
  readonly othersStaleMaxMs: number;
  /** From the fault until another replica leads the elected side effects (ms); null if it still led. */
  readonly takeoverMs: number | null;
  /** From the faulted replica's return (restart or thaw) until its own view is fresh again (ms). */
  readonly returnFreshMs: number | null;
  /** Every replica healthy and truthful (ha-ok, no significant finding) once it settled. */
  readonly allHealthyAfter: boolean;
  readonly falseAlarms: readonly string[];
}

/** What a replica's state said of the Lease a finding is about, when the finding opened. */
function hawkLeaseView(state: ClusterState, subject: string | null): Record<string, unknown> | null {
  const lease = state.leases.find((view) => `${view.namespace}/${view.name}` === subject);
  if (!lease) return null;
  return {
    status: lease.status,
    deleted: lease.record === null,
    holderIdentity: lease.record?.holderIdentity ?? null,
    renewTime: lease.record?.renewTime ?? null,
    leaseDurationSeconds: lease.record?.leaseDurationSeconds ?? null,
    resourceVersion: lease.record?.resourceVersion ?? null,
    observedRenewAt: lease.observedRenewAt,
    watch: state.sources.leases?.state,
    observedAt: state.observedAt,
  };
}

/**
 * Pages per finding EPISODE: a finding opened, resolved and opened again is two episodes. Episodes come from
 * every replica's feed (merged when they overlap: replicas see the same opening a moment apart). A page names
 * no episode (a chat line: title and evidence), so its lines are given out in order: a firing line to the
 * earliest episode of its finding opened before the page arrived that has no firing page yet (rate-limited
 * notices arrive late, in a batch), else to the latest one as a duplicate; resolve lines likewise.
 */
function pagesPerEpisode(
  sightings: readonly FindingSighting[],
  pages: readonly { at: number; lines: string[] }[],
  phaseAt: (at: number) => string,
) {
  const episodes: FindingEpisode[] = [];
  for (const sighting of [...sightings].filter(significant).sort((a, b) => a.openedAt - b.openedAt)) {
    const current = episodes.findLast((episode) => episode.findingId === sighting.id);
    // A replica seeing the same opening late (or closing it a moment later) joins the episode; 2 s covers their skew.
    if (current && (current.closedAt === null || sighting.openedAt <= current.closedAt + 2_000)) {
      current.titles.add(sighting.title);
      current.closedAt =
        current.closedAt === null || sighting.closedAt === null ? null : Math.max(current.closedAt, sighting.closedAt);
      continue;
    }
    episodes.push({
      findingId: sighting.id,
      phase: phaseAt(sighting.openedAt),
      titles: new Set([sighting.title]),
      openedAt: sighting.openedAt,
      closedAt: sighting.closedAt,
      firingPages: 0,
      resolvedPages: 0,
    });
  }
  const unmatched: string[] = [];
  for (const page of pages)
    for (const line of page.lines) {
      // webhook-sink.ts writes "<mark> SEVERITY [cluster] title (evidence)" or "<mark> RESOLVED [cluster] title
      // (evidence)".
      const match = /(CRITICAL|WARNING|RESOLVED) \[[^\]]+\] (.*)$/.exec(line);
      if (!match) continue;
      const text = match[2]!;
      const resolved = match[1] === 'RESOLVED';
      const candidates = episodes.filter(
        (candidate) =>
          candidate.openedAt <= page.at + 1_000 && [...candidate.titles].some((title) => text.startsWith(title)),
      );
      const episode =
        candidates.find((candidate) => (resolved ? candidate.resolvedPages : candidate.firingPages) === 0) ??
        candidates.at(-1);
      if (!episode) {
        unmatched.push(`${match[1]!.toLowerCase()}: ${text.slice(0, 120)}`);
        continue;
      }
      if (resolved) episode.resolvedPages++;
      else episode.firingPages++;
    }
  return { episodes, unmatched };
}

/** How many times each value occurs, e.g. pages per episode → { "1": 40, "2": 1 }. */
const countBy = (values: readonly number[]) => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

const ageOf = (feed: ClusterFeed) => {
  const state = feed.state();
  return state ? Date.now() - state.observedAt : Number.POSITIVE_INFINITY;
};

async function readyz(replica: Replica): Promise<{ leader: boolean; leaderLockReachable: boolean } | undefined> {
  try {
    return (await (
      await fetch(`http://127.0.0.1:${replica.port}/readyz`, { signal: AbortSignal.timeout(1_000) })
    ).json()) as { leader: boolean; leaderLockReachable: boolean };
  } catch {
    return undefined;
  }
}

async function leaderOf(replicas: readonly Replica[]): Promise<Replica | undefined> {
  const states = await Promise.all(replicas.map(readyz));
  return replicas.find((_, index) => states[index]?.leader);
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(100);
  }
  return null;
}

/** A stand-in for a Slack incoming webhook: every page hawk sent, by finding title. */
async function startPageReceiver() {
  const pages: { at: number; lines: string[] }[] = [];
  const server = createServer(async (request, response) => {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    try {
      pages.push({ at: Date.now(), lines: String((JSON.parse(raw) as { text?: string }).text ?? '').split('\n') });
    } catch {
      // not JSON: not hawk's
    }
    response.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    pages,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Scores a replica's feed over one lab fault the way runFault scores the first one. */
function scoreFeed(replica: Replica, plan: FaultPlan, sightingsBefore: number, startedAt: number): ReplicaScore {
  const window = replica.feed.sightings().slice(sightingsBefore);
  const first = window.find((sighting) => plan.expected.includes(sighting.ruleId));
  const shownBefore = replica.feed
    .sightings()
    .slice(0, sightingsBefore)
    .some((sighting) => sighting.closedAt === null && plan.expected.includes(sighting.ruleId));
  return {
    replica: replica.name,
    detected: shownBefore || first !== undefined,
    detectionMs: first ? first.openedAt - startedAt : null,
    falseAlarms: window
      .filter((sighting) => significant(sighting) && !plan.allowed.includes(sighting.ruleId))
      .map((sighting) => sighting.ruleId),
  };
}

export interface ReplicaChaosOptions {
  readonly lab: Lab;
  readonly replicas: number;
  readonly budgetMs: number;
  readonly quietMs: number;
  readonly pick: <T>(items: readonly T[]) => T;
  readonly shuffle: <T>(items: readonly T[]) => T[];
}

export async function runReplicaChaos(options: ReplicaChaosOptions) {
  const { lab } = options;
  const admin = new KubeConfig();
  admin.loadFromFile(lab.env().KUBECONFIG!);
  await admin
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: 'hawk-system' } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  const lease = `hawk-system/hawk-chaos-${Date.now().toString(36)}`;
  const receiver = await startPageReceiver();
  // The truth each finding is checked against: Leases in etcd and on each apiserver, processes alive or frozen.
  const truth = recordLeaseTruth(lab, ['kube-system/kube-scheduler', 'kube-system/kube-controller-manager', lease]);
  const truths: Promise<LabTruth>[] = [];
  const findingsAtOpen: FindingAtOpen[] = [];
  let phase = 'start';
  const phases: { at: number; name: string }[] = [];
  const enter = (name: string) => {
    phase = name;
    phases.push({ at: Date.now(), name });
  };
  const phaseAt = (at: number) => phases.findLast((entry) => entry.at <= at)?.name ?? 'start';
  const recordOpenings = (name: string, feed: ClusterFeed) =>
    feed.onOpen((sighting, state) => {
      if (!significant(sighting)) return;
      const snapshot = truth.snapshot();
      if (truths.at(-1) !== snapshot) truths.push(snapshot);
      findingsAtOpen.push({
        replica: name,
        phase,
        findingId: sighting.id,
        ruleId: sighting.ruleId,
        title: sighting.title,
        openedAt: sighting.openedAt,
        hawkView: sighting.ruleId.startsWith('LeaderElection') ? hawkLeaseView(state, sighting.subject) : null,
        truth: truths.length - 1,
      });
    });
  const start = (name: string, port: number) =>
    spawnHawkProcess(
      { ...lab.env(), HAWK_LEADER_LEASE: lease, HAWK_REPLICA_ID: name, HAWK_WEBHOOK_URL: receiver.url },
      { port },
    );
  const replicas: Replica[] = [];
  // A run that dies (the lab replaced under it, a bug) must not leave its hawk backends running on a shared machine.
  process.once('exit', () => {
    for (const replica of replicas) if (replica.process.alive()) replica.process.child.kill('SIGKILL');
  });
  for (let index = 0; index < options.replicas; index++) {
    const name = `hawk-${index}`;
    const port = await freePort();
    const process = await start(name, port);
    const feed = await followCluster(process.url);
    recordOpenings(name, feed);
    replicas.push({ name, port, process, feed, pastFeeds: [] });
  }
  await waitUntil(async () => (await leaderOf(replicas)) !== undefined, 60_000);
  console.error(`[chaos] ${replicas.length} replicas, electing on ${lease}`);

  // 1. Quiet period on every replica.
  await sleep(10_000);
  enter('quiet');
  const quietBefore = replicas.map((replica) => replica.feed.sightings().length);
  await sleep(options.quietMs);
  const quietFalseAlarms = replicas.map((replica, index) => ({
    replica: replica.name,
    rules: replica.feed
      .sightings()
      .slice(quietBefore[index])
      .filter(significant)
      .map((s) => s.ruleId),
  }));

  // 2. Faults of hawk itself: every replica not faulted must stay fresh and truthful.
  const hawkFault = async (name: string, act: (victim: Replica) => Promise<number>): Promise<HawkFaultResult> => {
    enter(name);
    const victim = (await leaderOf(replicas)) ?? replicas[0]!;
    const others = replicas.filter((replica) => replica !== victim);
    const before = replicas.map((replica) => replica.feed.sightings().length);
    let othersStaleMaxMs = 0;
    const sampler = setInterval(() => {
      for (const other of others) othersStaleMaxMs = Math.max(othersStaleMaxMs, ageOf(other.feed));
    }, 250);
    const faultAt = Date.now();
    let takeoverMs: number | null = null;
    const takeover = waitUntil(async () => {
      const leader = await leaderOf(others);
      return leader !== undefined;
    }, 45_000).then((ms) => (takeoverMs = ms === null ? null : Date.now() - faultAt));
    const returnedAt = await act(victim);
    await takeover;
    const returnFreshMs = await waitUntil(() => ageOf(victim.feed) < 3_000, 60_000);
    clearInterval(sampler);
    const settled = await waitUntil(
      () =>
        replicas.every(
          (replica) =>
            replica.feed.state()?.verdict === 'ha-ok' &&
            !replica.feed.state()!.findings.some((finding) => finding.severity !== 'info'),
        ),
      60_000,
    );
    const falseAlarms = replicas.flatMap((replica, index) =>
      replica.feed
        .sightings()
        .slice(before[index])
        .filter(significant)
        .map((s) => `${replica.name}: ${s.ruleId}`),
    );
    console.error(
      `[chaos]   ${name}: others stale max ${othersStaleMaxMs} ms, takeover ${takeoverMs ?? '-'} ms, back fresh ` +
        `${returnFreshMs ?? '-'} ms after return at +${returnedAt - faultAt} ms, false alarms ` +
        `${falseAlarms.join(', ') || 'none'}`,
    );
    return { fault: name, othersStaleMaxMs, takeoverMs, returnFreshMs, allHealthyAfter: settled !== null, falseAlarms };
  };
  const kill = async (victim: Replica) => {
    await victim.process.stop('SIGKILL');
    await sleep(15_000);
    victim.feed.close();
    victim.pastFeeds.push(victim.feed);
    victim.process = await start(victim.name, victim.port);
    victim.feed = await followCluster(victim.process.url);
    recordOpenings(victim.name, victim.feed);
    return Date.now();
  };
  const freeze = async (victim: Replica) => {
    victim.process.child.kill('SIGSTOP');
    await sleep(20_000);
    victim.process.child.kill('SIGCONT');
    return Date.now();
  };
  const hawkFaults: HawkFaultResult[] = [];
  hawkFaults.push(await hawkFault('SIGKILL the leading replica (restarted 15 s later)', kill));
  hawkFaults.push(await hawkFault('freeze the leading replica 20 s', freeze));
  hawkFaults.push(await hawkFault('freeze the new leader 20 s (leadership handed back)', freeze));

  // 3. The lab's faults, scored on every replica; quorum loss here also takes hawk's own Lease away.
  const results: { result: FaultResult; replicas: ReplicaScore[] }[] = [];
  const started = Date.now();
  const order = options.shuffle(FAULTS);
  let next = 0;
  while (Date.now() - started < options.budgetMs) {
    const plan = next < order.length ? order[next++]! : options.pick(FAULTS);
    console.error(`[chaos] ${new Date().toISOString()} ${plan.name}`);
    enter(plan.name);
    const before = replicas.map((replica) => replica.feed.sightings().length);
    const startedAt = Date.now();
    const result = await runFault(lab, replicas[0]!.feed, plan);
    const scores = replicas.map((replica, index) => scoreFeed(replica, plan, before[index]!, startedAt));
    results.push({ result, replicas: scores });
    const scored = scores.map((s) => {
      const detected = s.detected ? `detected in ${s.detectionMs ?? '-'} ms` : 'MISSED';
      return `${s.replica}: ${detected}, false alarms ${s.falseAlarms.join(', ') || 'none'}`;
    });
    console.error(`[chaos]   ${scored.join('; ')}`);
  }

  enter('end');
  // Resolve pages wait out the dispatcher's rate-limit window (60 s) when many findings closed at once.
  await sleep(5_000);
  for (const replica of replicas) {
    replica.feed.close();
    await replica.process.stop();
  }
  await receiver.close();
  await truth.stop();
  const truthSnapshots = await Promise.all(truths);

  // 4. Pages per finding episode: the elected replica pages once; a lock nobody can reach lets every replica page.
  const allSightings = replicas.flatMap((replica) =>
    [...replica.pastFeeds, replica.feed].flatMap((feed) => feed.sightings()),
  );
  const { episodes, unmatched } = pagesPerEpisode(allSightings, receiver.pages, phaseAt);
  // While hawk's own Lease sits in the lab's lost quorum, no replica can hold it and every replica pages: by design,
  // apart.
  const lockLost = (episode: FindingEpisode) => episode.phase === 'stop two etcd members';
  const elected = episodes.filter((episode) => !lockLost(episode));
  const falseAlarmOpenings = (rule: string, replica: string, fault: string) =>
    findingsAtOpen.filter((f) => f.ruleId === rule && f.replica === replica && f.phase === fault);
  // A finding the fault plan did not expect is still no false alarm when the lab's truth shows it: a Lease
  // released (empty holder in etcd) near when "no holder" opened. Every opening must be borne out.
  const leaseChanges = truth.changes();
  const borneOut = (rule: string, replica: string, fault: string) => {
    const openings = falseAlarmOpenings(rule, replica, fault);
    return (
      rule === 'LeaderElectionNoHolder' &&
      openings.length > 0 &&
      openings.every((opening) => {
        const key = opening.findingId.slice(opening.findingId.indexOf(':') + 1);
        return leaseChanges.some(
          (change) =>
            change.key === key &&
            change.holderIdentity === null &&
            change.seenAt >= opening.openedAt - 15_000 &&
            change.seenAt <= opening.openedAt + 3_000,
        );
      })
    );
  };
  const judged = results.map((entry) => ({
    fault: entry.result.fault,
    replicas: entry.replicas.map((score) => ({
      ...score,
      falseAlarms: score.falseAlarms.filter((rule) => !borneOut(rule, score.replica, entry.result.fault)),
      /** Not expected of this fault, but true by the lab's own record (see borneOut). */
      trueUnexpected: score.falseAlarms.filter((rule) => borneOut(rule, score.replica, entry.result.fault)),
    })),
  }));
  const perReplica = replicas.map((replica) => {
    const scores = judged.map((entry) => entry.replicas.find((score) => score.replica === replica.name)!);
    const latencies = scores.filter((score) => score.detectionMs !== null).map((score) => score.detectionMs!);
    return {
      replica: replica.name,
      faults: scores.length,
      recall: scores.filter((score) => score.detected).length / Math.max(1, scores.length),
      falseAlarms:
        scores.reduce((sum, score) => sum + score.falseAlarms.length, 0) +
        (quietFalseAlarms.find((q) => q.replica === replica.name)?.rules.length ?? 0),
      trueUnexpected: scores.reduce((sum, score) => sum + score.trueUnexpected.length, 0),
      detectionP50Ms: percentile(latencies, 50),
      detectionMaxMs: latencies.length ? Math.max(...latencies) : null,
    };
  });
  return {
    replicas: replicas.length,
    lease,
    quietFalseAlarms,
    hawkFaults,
    perReplica,
    labFaults: judged,
    pages: {
      episodes: episodes.length,
      firingPagesPerEpisode: countBy(episodes.map((episode) => episode.firingPages)),
      resolvedPagesPerEpisode: countBy(episodes.map((episode) => episode.resolvedPages)),
      maxFiringPagesForOneEpisode: Math.max(0, ...episodes.map((episode) => episode.firingPages)),
      /** Outside the lab's quorum loss (one elected replica pages). */
      electedEpisodes: elected.length,
      electedFiringPagesPerEpisode: countBy(elected.map((episode) => episode.firingPages)),
      notOneFiringPage: episodes
        .filter((episode) => episode.firingPages !== 1)
        .map((episode) => ({
          finding: episode.findingId,
          title: [...episode.titles][0]!,
          phase: episode.phase,
          openedAt: new Date(episode.openedAt).toISOString(),
          openMs: episode.closedAt === null ? null : episode.closedAt - episode.openedAt,
          firingPages: episode.firingPages,
          resolvedPages: episode.resolvedPages,
        })),
      unmatchedPageLines: unmatched,
    },
    falseAlarmTruth: [
      ...quietFalseAlarms.flatMap((q) => q.rules.map((rule) => ({ replica: q.replica, fault: 'quiet', rule }))),
      ...hawkFaults.flatMap((f) =>
        f.falseAlarms.map((entry) => ({ replica: entry.split(': ')[0]!, fault: f.fault, rule: entry.split(': ')[1]! })),
      ),
      ...judged.flatMap((entry) =>
        entry.replicas.flatMap((score) =>
          [...score.falseAlarms, ...score.trueUnexpected].map((rule) => ({
            replica: score.replica,
            fault: entry.fault,
            rule,
            borneOutByTruth: score.trueUnexpected.includes(rule),
          })),
        ),
      ),
    ].map((alarm) => ({
      ...alarm,
      openings: falseAlarmOpenings(alarm.rule, alarm.replica, alarm.fault).map((opening) => ({
        ...opening,
        truth: truthSnapshots[opening.truth],
      })),
    })),
    findingsAtOpen,
    truths: truthSnapshots,
  };
}

export type ReplicaChaosSummary = Awaited<ReturnType<typeof runReplicaChaos>>;

/** The false alarms a replica raised during faults of hawk itself (each entry is prefixed by the replica's name). */
function hawkFaultAlarmsOf(summary: ReplicaChaosSummary, replica: string): number {
  return summary.hawkFaults.reduce(
    (sum, f) => sum + f.falseAlarms.filter((entry) => entry.startsWith(`${replica}: `)).length,
    0,
  );
}

export function replicaChaosMarkdown(summary: ReplicaChaosSummary): string {
  return [
    `## ${summary.replicas} replicas electing on ${summary.lease}`,
    '',
    "| replica | lab faults | recall | false alarms (quiet period and hawk's own faults included) | unexpected " +
      'but true by etcd | fault → finding p50 (ms) | max (ms) |',
    '|---|---|---|---|---|---|---|',
    ...summary.perReplica.map(
      (r) =>
        `| ${r.replica} | ${r.faults} | ${(r.recall * 100).toFixed(0)}% | ` +
        `${r.falseAlarms + hawkFaultAlarmsOf(summary, r.replica)} ` +
        `| ${r.trueUnexpected} | ${Number.isNaN(r.detectionP50Ms) ? '-' : r.detectionP50Ms} | ` +
        `${r.detectionMaxMs ?? '-'} |`,
    ),
    '',
    '### Faults of hawk itself',
    '',
    '| fault | other replicas: oldest view (ms) | another replica leads after (ms) | faulted replica fresh ' +
      'again after its return (ms) | all ha-ok after | false alarms |',
    '|---|---|---|---|---|---|',
    ...summary.hawkFaults.map(
      (f) =>
        `| ${f.fault} | ${f.othersStaleMaxMs} | ${f.takeoverMs ?? '-'} | ${f.returnFreshMs ?? '-'} | ` +
        `${f.allHealthyAfter ? 'yes' : 'NO'} | ${f.falseAlarms.join(', ') || '-'} |`,
    ),
    '',
    `### Webhook pages per finding episode (elected replica only; every replica while hawk's Lease cannot be reached)`,
    '',
    `${summary.pages.episodes} episodes (a finding opened until it resolved, on any replica). Firing pages per ` +
      `episode: ${perEpisode(summary.pages.firingPagesPerEpisode)}; resolve pages per episode: ` +
      `${perEpisode(summary.pages.resolvedPagesPerEpisode)}; at most ${summary.pages.maxFiringPagesForOneEpisode} ` +
      `firing page(s) for one episode.`,
    '',
    `Outside "stop two etcd members" (hawk's own Lease held by one replica): ${summary.pages.electedEpisodes} ` +
      `episodes, firing pages per episode: ${perEpisode(summary.pages.electedFiringPagesPerEpisode)}.`,
    '',
    ...(summary.pages.notOneFiringPage.length
      ? [
          'Episodes without exactly one firing page:',
          '',
          '| finding | during | opened | open for (ms) | firing pages | resolve pages |',
          '|---|---|---|---|---|---|',
          ...summary.pages.notOneFiringPage.map(
            (e) =>
              `| ${e.title} | ${e.phase} | ${e.openedAt} | ${e.openMs ?? 'still open'} | ${e.firingPages} | ` +
              `${e.resolvedPages} |`,
          ),
          '',
        ]
      : []),
    ...(summary.pages.unmatchedPageLines.length
      ? [
          `Page lines matching no episode: ${summary.pages.unmatchedPageLines.length}`,
          '',
          ...summary.pages.unmatchedPageLines.map((line) => `- ${line}`),
          '',
        ]
      : []),
    "### The lab's truth when each finding not expected of its fault opened",
    '',
    ...(summary.falseAlarmTruth.length === 0
      ? ['None.', '']
      : summary.falseAlarmTruth.flatMap((alarm) => [
          `- **${alarm.replica}: ${alarm.rule}** during "${alarm.fault}": ` +
            ('borneOutByTruth' in alarm && alarm.borneOutByTruth
              ? 'TRUE (etcd held the Lease released, empty holder)'
              : 'false alarm'),
          ...alarm.openings.map((opening) => `  - ${truthLine(opening)}`),
        ])),
    '',
  ].join('\n');
}

const perEpisode = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([pages, episodes]) => `${pages} page(s) × ${episodes}`)
    .join(', ') || '-';

/** One line: what hawk showed of the Lease and what etcd, the apiservers and the processes said at that instant. */
function truthLine(opening: Omit<FindingAtOpen, 'truth'> & { truth: LabTruth | undefined }): string {
  const truth = opening.truth;
  const lease = opening.hawkView ? `hawk saw ${JSON.stringify(opening.hawkView)}` : opening.title;
  if (!truth) return `${new Date(opening.openedAt).toISOString()} ${lease}; no truth recorded`;
  // A lease finding is checked against its own Lease; any other against all the watched ones.
  const subject = opening.findingId.includes(':') ? opening.findingId.slice(opening.findingId.indexOf(':') + 1) : null;
  const relevant = (key: string) => !opening.ruleId.startsWith('LeaderElection') || key === subject;
  const etcd = truth.etcd
    .map(
      (member) =>
        `${member.member}: ${
          member.error ??
          (member.leases ?? [])
            .filter((l) => relevant(l.key))
            .map(
              (l) =>
                `${l.key.split('/')[1]}=${l.holderIdentity ?? '∅'} renew ${l.renewTime ?? '-'} ` +
                `(${l.leaseDurationSeconds} s) rev ${l.modRevision}`,
            )
            .join(', ')
        }`,
    )
    .join('; ');
  const changes = truth.recentChanges
    .filter((c) => relevant(c.key))
    .map(
      (c) =>
        `${c.key.split('/')[1]} → ${c.holderIdentity ?? '∅ (released)'} renew ${c.renewTime ?? '-'} seen ` +
        `${((c.seenAt - opening.openedAt) / 1000).toFixed(1)} s`,
    )
    .join('; ');
  const processes =
    truth.processes
      .filter((p) => p.state !== 'running')
      .map((p) => `${p.id} ${p.state}`)
      .join(', ') || 'all running';
  return (
    `opened ${new Date(opening.openedAt).toISOString()}; ${lease}. etcd (serializable, ` +
    `+${truth.takenAt - opening.openedAt} ms): ${etcd}. holder changes (and latest record) in etcd over the 60 s ` +
    `before: ${changes || 'none'}. Processes not running: ${processes}`
  );
}
