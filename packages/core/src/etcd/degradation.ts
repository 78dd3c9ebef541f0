import type { HawkConfig } from '../config';
import type { CumulativeHistogram, EtcdMemberId, EtcdMetricsSample } from '../model/etcd';

/** What one member's metrics said over the recent window, and which of it is past etcd's own guidance. */
export interface EtcdDegradation {
  readonly memberId: EtcdMemberId;
  /** The span the deltas cover (ms): from the oldest scrape in the window (or the last restart) to the newest. */
  readonly spanMs: number;
  /** p99 over the window (ms); null with too few observations to say. */
  readonly walFsyncP99Ms: number | null;
  readonly backendCommitP99Ms: number | null;
  /** p99 over everything before the window, since the member started (ms): its own baseline. */
  readonly walFsyncBeforeP99Ms: number | null;
  readonly backendCommitBeforeP99Ms: number | null;
  /** The slowest peer's round-trip p99 (ms) and that peer's member id. */
  readonly peerRttP99Ms: number | null;
  readonly slowestPeer: EtcdMemberId | null;
  /**
   * Increases over the window; null when the member does not export the counter. Slow applies are evidence only:
   * every member applies slowly behind a starved leader, so they do not say which member is degrading.
   */
  readonly heartbeatSendFailures: number | null;
  readonly slowApplies: number | null;
  readonly leaderChanges: number | null;
  /** One short phrase per signal past its threshold ("WAL fsync p99 42 ms (etcd: < 10 ms)"); empty when healthy. */
  readonly signals: readonly string[];
  /**
   * Whether the signals are the kind raft's elections follow from: heartbeats already late, every peer's round trip
   * past the heartbeat interval, or a WAL fsync p99 at or past it (the leader syncs its WAL in the loop that sends
   * heartbeats). A disk slower than the guidance yet well inside the interval slows writes, not leadership.
   */
  readonly electionsLikely: boolean;
}

/**
 * histogramQuantile: the q-quantile of the observations a histogram's buckets hold, interpolated linearly within the
 * bucket it falls in, as Prometheus' histogram_quantile does. In the +Inf bucket it is the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: CumulativeHistogram['buckets']): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket <= 0 ? bucket.le : lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

/** What a histogram gained between two scrapes; null when it went back (a restart) or the buckets differ. */
function histogramDelta(
  older: CumulativeHistogram | null | undefined,
  newer: CumulativeHistogram | null | undefined,
): CumulativeHistogram | null {
  if (!older || !newer || older.buckets.length !== newer.buckets.length || newer.count < older.count) return null;
  const buckets = newer.buckets.map((bucket, i) => ({ le: bucket.le, count: bucket.count - older.buckets[i]!.count }));
  if (buckets.some((bucket, i) => bucket.le !== older.buckets[i]!.le || bucket.count < 0)) return null;
  return { buckets, count: newer.count - older.count, sum: newer.sum - older.sum };
}

function counterDelta(older: number | null, newer: number | null): number | null {
  return older === null || newer === null || newer < older ? null : newer - older;
}

/** A p99 in ms from a histogram (a window's delta, or all before it), with enough observations to mean something. */
function p99Ms(delta: CumulativeHistogram | null, config: HawkConfig): number | null {
  if (!delta || delta.count < config.etcdDegradationMinObservations) return null;
  const seconds = histogramQuantile(0.99, delta.buckets);
  return seconds === null ? null : seconds * 1000;
}

/** A process restart resets every counter: the window then starts at the first scrape after it. */
function restarted(older: EtcdMetricsSample, newer: EtcdMetricsSample): boolean {
  const went = (a: number | null | undefined, b: number | null | undefined) => a != null && b != null && b < a;
  return (
    went(older.walFsync?.count, newer.walFsync?.count) ||
    went(older.backendCommit?.count, newer.backendCommit?.count) ||
    went(older.slowApplies, newer.slowApplies) ||
    went(older.leaderChangesSeen, newer.leaderChangesSeen)
  );
}

const ms = (value: number) => (value >= 100 ? `${Math.round(value)} ms` : `${Math.round(value * 10) / 10} ms`);

/**
 * judgeEtcdDegradation reads one member's scrapes over the last config.etcdDegradationWindowMs as deltas of its
 * cumulative metrics (the trend of the window, never one scrape) and names each signal past etcd's tuning guidance:
 * WAL fsync p99 over 10 ms and backend commit p99 over 25 ms that are also etcdDegradationBaselineRatio times what the
 * member did before the window (a disk getting slower, not one that always was), peer round trips near the heartbeat
 * interval to every peer (a slow link or a starved member), heartbeats the leader sent late (it cannot keep up).
 * Each of these precedes missed heartbeats and elections. Null without enough scrapes to judge.
 */
export function judgeEtcdDegradation(
  memberId: EtcdMemberId,
  samples: readonly EtcdMetricsSample[],
  config: HawkConfig,
): EtcdDegradation | null {
  const last = samples.at(-1);
  if (!last) return null;
  let start = samples.findIndex((sample) => sample.at >= last.at - config.etcdDegradationWindowMs);
  for (let i = samples.length - 1; i > start; i--)
    if (restarted(samples[i - 1]!, samples[i]!)) {
      start = i;
      break;
    }
  const first = samples[start]!;
  if (samples.length - start < 3 || last.at - first.at < config.etcdDegradationMinSpanMs) return null;

  const walFsyncP99Ms = p99Ms(histogramDelta(first.walFsync, last.walFsync), config);
  const backendCommitP99Ms = p99Ms(histogramDelta(first.backendCommit, last.backendCommit), config);
  // What the member's disk did before the window, since it started: a disk that was always this slow is a fact of the
  // node, not a trend toward an election. A member too new to have a baseline is not judged on its disk yet.
  const walFsyncBeforeP99Ms = p99Ms(first.walFsync, config);
  const backendCommitBeforeP99Ms = p99Ms(first.backendCommit, config);
  const worse = (now: number | null, before: number | null, guidance: number) =>
    now !== null && before !== null && now > guidance && now >= before * config.etcdDegradationBaselineRatio;
  // A member slow to answer makes every peer's round trip to it slow, but only its own are slow to every peer: the
  // fastest peer's p99 is the member's own, and a follower of a starved leader is not blamed for it.
  let peerRttP99Ms: number | null = null;
  let slowestPeer: EtcdMemberId | null = null;
  let fastestPeerMs: number | null = null;
  for (const [peer, histogram] of Object.entries(last.peerRoundTrip)) {
    // The prober measures each peer every few seconds: too few for the observations floor, so any count will do.
    const delta = histogramDelta(first.peerRoundTrip[peer], histogram);
    const seconds = delta && delta.count > 0 ? histogramQuantile(0.99, delta.buckets) : null;
    if (seconds === null) continue;
    if (peerRttP99Ms === null || seconds * 1000 > peerRttP99Ms) {
      peerRttP99Ms = seconds * 1000;
      slowestPeer = peer;
    }
    if (fastestPeerMs === null || seconds * 1000 < fastestPeerMs) fastestPeerMs = seconds * 1000;
  }
  const heartbeatSendFailures = counterDelta(first.heartbeatSendFailures, last.heartbeatSendFailures);
  const slowApplies = counterDelta(first.slowApplies, last.slowApplies);
  const leaderChanges = counterDelta(first.leaderChangesSeen, last.leaderChangesSeen);

  const signals: string[] = [];
  const walFsyncWorse = worse(walFsyncP99Ms, walFsyncBeforeP99Ms, config.etcdWalFsyncP99WarnMs);
  const everyPeerSlow = fastestPeerMs !== null && fastestPeerMs > config.etcdPeerRttP99WarnMs;
  const heartbeatsLate = heartbeatSendFailures !== null && heartbeatSendFailures >= config.etcdHeartbeatFailuresWarn;
  if (walFsyncWorse)
    signals.push(
      `WAL fsync p99 ${ms(walFsyncP99Ms!)}` +
        `${walFsyncBeforeP99Ms === null ? '' : `, was ${ms(walFsyncBeforeP99Ms)}`}` +
        ` (etcd: < ${config.etcdWalFsyncP99WarnMs} ms)`,
    );
  if (worse(backendCommitP99Ms, backendCommitBeforeP99Ms, config.etcdBackendCommitP99WarnMs))
    signals.push(
      `backend commit p99 ${ms(backendCommitP99Ms!)}` +
        `${backendCommitBeforeP99Ms === null ? '' : `, was ${ms(backendCommitBeforeP99Ms)}`}` +
        ` (etcd: < ${config.etcdBackendCommitP99WarnMs} ms)`,
    );
  if (everyPeerSlow)
    signals.push(
      `round trips to every peer p99 ${ms(fastestPeerMs!)} or more ` +
        `(heartbeat interval ${config.etcdPeerRttP99WarnMs} ms)`,
    );
  if (heartbeatsLate) signals.push(`${heartbeatSendFailures} heartbeats sent late`);
  return {
    memberId,
    spanMs: last.at - first.at,
    walFsyncP99Ms,
    backendCommitP99Ms,
    walFsyncBeforeP99Ms,
    backendCommitBeforeP99Ms,
    peerRttP99Ms,
    slowestPeer,
    heartbeatSendFailures,
    slowApplies,
    leaderChanges,
    signals,
    electionsLikely:
      heartbeatsLate || everyPeerSlow || (walFsyncWorse && walFsyncP99Ms! >= config.etcdPeerRttP99WarnMs),
  };
}
