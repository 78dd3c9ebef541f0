/**
 * expectRenewal: how long after an observed renewal hawk waits before calling a leader "not renewing".
 *
 * A Lease carries its duration but not its elector's retry period, and electors differ by an order of magnitude
 * (kube's 2 s of 15 s, OpenShift's 26 s of 137 s). So the cadence is learned from intervals hawk observes between
 * renewals, and until enough are learned it is guessed from the lease duration: first a known elector of that
 * duration, else a fixed fraction of it. The guess only ever widens what was learned while samples are few, so one
 * short early interval cannot make hawk impatient; once enough are learned, the learned cadence alone decides and a
 * missed renewal is called within one interval plus slack.
 */
import type { HawkConfig } from '../config';
import type { LeaseTrack, RenewalExpectation } from '../model/lease';
import { median } from './tracker';

export function expectRenewal(track: LeaseTrack, config: HawkConfig): RenewalExpectation | null {
  const leaseDurationSeconds = track.record?.leaseDurationSeconds ?? 0;
  if (leaseDurationSeconds <= 0) return null;
  const guess = guessFromDuration(leaseDurationSeconds, config);
  const samples = track.recentIntervalsMs;
  if (samples.length === 0) return guess;
  const learned = fromSamples(samples, config);
  if (samples.length >= config.cadenceMinSamples) return learned;
  return learned.overdueAfterMs >= guess.overdueAfterMs ? learned : guess;
}

function guessFromDuration(leaseDurationSeconds: number, config: HawkConfig): RenewalExpectation {
  const known = config.knownElectorTimings.find((timing) => timing.leaseDurationSeconds === leaseDurationSeconds);
  const cadenceMs = known?.retryPeriodMs ?? leaseDurationSeconds * 1000 * config.unknownElectorRetryRatio;
  return {
    cadenceMs,
    overdueAfterMs: cadenceMs + Math.max(config.renewSlackMs, cadenceMs * config.priorRenewSlackRatio),
    basis: known ? 'known-elector' : 'lease-ratio',
  };
}

/**
 * The longest recent interval that is the holder's own rhythm, plus slack: a holder whose intervals vary (jitter) has
 * shown how late a live renewal can come, and one that is regular is held to its regularity. An interval beyond
 * renewOutlierRatio × the median was a disruption (its apiserver or etcd stalled), not the rhythm: counted, it would
 * leave hawk slow to see the next failure for as long as it is remembered. The median is the cadence shown.
 */
function fromSamples(samples: readonly number[], config: HawkConfig): RenewalExpectation {
  const cadenceMs = median(samples);
  const rhythm = samples.filter((interval) => interval <= cadenceMs * config.renewOutlierRatio);
  const slackMs = Math.max(config.renewSlackMs, cadenceMs * config.renewSlackRatio);
  return { cadenceMs, overdueAfterMs: Math.max(...rhythm) + slackMs, basis: 'learned' };
}
