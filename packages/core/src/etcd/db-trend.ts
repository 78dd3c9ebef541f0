import type { HawkConfig } from '../config';
import type { EtcdDbSample, EtcdDbTrend } from '../model/etcd';

/**
 * projectEtcdQuota fits a line (least squares) through one member's DB sizes over the last config.etcdDbTrendWindowMs
 * and says when, at that rate, the DB reaches the quota: etcd then raises NOSPACE and refuses every write. No
 * projection from too short a span (etcdDbTrendMinSpanMs), nor when the size is flat, shrinking or growing slower
 * than etcdDbTrendMinBytesPerHour: a compaction's dip or one burst must not become an alarm. `fullAt` depends on the
 * samples only, not on the clock, so the judged state does not change between reads.
 */
export function projectEtcdQuota(
  samples: readonly EtcdDbSample[],
  quotaBytes: number,
  config: HawkConfig,
): EtcdDbTrend | null {
  const last = samples.at(-1);
  if (!last || quotaBytes <= 0) return null;
  const recent = samples.filter((sample) => sample.at >= last.at - config.etcdDbTrendWindowMs);
  const first = recent[0]!;
  if (recent.length < 3 || last.at - first.at < config.etcdDbTrendMinSpanMs) return null;
  const meanAt = recent.reduce((sum, s) => sum + (s.at - first.at), 0) / recent.length;
  const meanSize = recent.reduce((sum, s) => sum + s.dbSizeBytes, 0) / recent.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of recent) {
    const dt = sample.at - first.at - meanAt;
    covariance += dt * (sample.dbSizeBytes - meanSize);
    variance += dt * dt;
  }
  const bytesPerMs = variance === 0 ? 0 : covariance / variance;
  const bytesPerHour = bytesPerMs * 3_600_000;
  if (bytesPerHour < config.etcdDbTrendMinBytesPerHour) return { bytesPerHour, fullAt: null };
  const left = quotaBytes - last.dbSizeBytes;
  return { bytesPerHour, fullAt: left <= 0 ? last.at : last.at + left / bytesPerMs };
}
