/**
 * What etcd-mixin's alerts would have said over a run, derived from the members' /metrics as scraped (no Prometheus
 * runs): each alert's expression evaluated at every scrape, and its `for:` kept.
 *
 *   etcdHighFsyncDurations: histogram_quantile(0.99, rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m])) > 0.5,
 *     for 10m
 *   etcdHighCommitDurations: histogram_quantile(0.99, rate(etcd_disk_backend_commit_duration_seconds_bucket[5m]))
 *     > 0.25, for 10m
 *   etcdHighNumberOfLeaderChanges: increase(max(etcd_server_leader_changes_seen_total)[15m:1m]) >= 4, for 5m
 *
 * A rate over less than its range uses what there is (Prometheus extrapolates; the quantile of a delta does not care).
 */
import { histogramQuantile, type CumulativeHistogram, type EtcdMetricsSample } from '@hawk/core';

export interface MemberScrape {
  readonly member: string;
  readonly sample: EtcdMetricsSample;
}

export interface DerivedAlert {
  readonly alert: string;
  /** The member, or 'cluster' for the leader-change alert (max over members). */
  readonly member: string;
  /** When the expression first held (pending), and when it had held for `for:` (firing); null when never. */
  readonly pendingAt: number | null;
  readonly firingAt: number | null;
  /** The highest value the expression reached, for the reader ("p99 0.09 s", "3 changes"). */
  readonly peak: string;
}

const MINUTE = 60_000;

function delta(older: CumulativeHistogram | null, newer: CumulativeHistogram | null): CumulativeHistogram | null {
  if (!older || !newer || older.buckets.length !== newer.buckets.length || newer.count < older.count) return null;
  return {
    buckets: newer.buckets.map((b, i) => ({ le: b.le, count: b.count - older.buckets[i]!.count })),
    count: newer.count - older.count,
    sum: newer.sum - older.sum,
  };
}

/** Walks a series of (at, holds) and keeps `for:`: firing once it held continuously for forMs. */
function pendingAndFiring(points: readonly { at: number; holds: boolean }[], forMs: number) {
  let pendingAt: number | null = null;
  let since: number | null = null;
  let firingAt: number | null = null;
  for (const point of points) {
    if (!point.holds) {
      since = null;
      continue;
    }
    since ??= point.at;
    pendingAt ??= point.at;
    if (firingAt === null && point.at - since >= forMs) firingAt = point.at;
  }
  return { pendingAt, firingAt };
}

function quantileAlert(
  scrapes: readonly MemberScrape[],
  member: string,
  alert: string,
  pick: (s: EtcdMetricsSample) => CumulativeHistogram | null,
  thresholdSeconds: number,
): DerivedAlert {
  const own = scrapes.filter((s) => s.member === member).map((s) => s.sample);
  let peak = 0;
  const points = own.map((sample) => {
    const from = own.find((older) => older.at >= sample.at - 5 * MINUTE)!;
    const window = delta(pick(from), pick(sample));
    const p99 = window && window.count > 0 ? (histogramQuantile(0.99, window.buckets) ?? 0) : 0;
    peak = Math.max(peak, p99);
    return { at: sample.at, holds: p99 > thresholdSeconds };
  });
  return { alert, member, ...pendingAndFiring(points, 10 * MINUTE), peak: `p99 ${peak.toFixed(3)} s` };
}

export function prometheusEtcdAlerts(scrapes: readonly MemberScrape[]): DerivedAlert[] {
  const members = [...new Set(scrapes.map((s) => s.member))].sort();
  const alerts: DerivedAlert[] = [];
  for (const member of members) {
    alerts.push(quantileAlert(scrapes, member, 'etcdHighFsyncDurations', (s) => s.walFsync, 0.5));
    alerts.push(quantileAlert(scrapes, member, 'etcdHighCommitDurations', (s) => s.backendCommit, 0.25));
  }
  // max over members of the counter, at each scrape round; increase over 15 minutes.
  const rounds = [...new Set(scrapes.map((s) => Math.round(s.sample.at / 5_000)))].sort((a, b) => a - b);
  const series = rounds.map((round) => {
    const values = scrapes
      .filter((s) => Math.round(s.sample.at / 5_000) === round)
      .map((s) => s.sample.leaderChangesSeen ?? 0);
    return { at: round * 5_000, value: Math.max(0, ...values) };
  });
  let peak = 0;
  const points = series.map((point) => {
    const from = series.find((older) => older.at >= point.at - 15 * MINUTE)!;
    const increase = Math.max(0, point.value - from.value);
    peak = Math.max(peak, increase);
    return { at: point.at, holds: increase >= 4 };
  });
  alerts.push({
    alert: 'etcdHighNumberOfLeaderChanges',
    member: 'cluster',
    ...pendingAndFiring(points, 5 * MINUTE),
    peak: `${peak} changes in 15m`,
  });
  return alerts;
}
