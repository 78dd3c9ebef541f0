/**
 * Every threshold hawk judges by, in one place, each with its unit and why. Validated once by
 * `createConfig`; rules read it and never hard-code a number.
 */
/**
 * An elector's timing as it is commonly deployed: a lease of this duration is renewed about every retry period.
 * The Lease object carries only its duration, so this is how hawk guesses the cadence before it has seen one.
 */
export interface KnownElectorTiming {
  readonly leaseDurationSeconds: number;
  /** The elector's retry period (ms): client-go renews once per retry period. */
  readonly retryPeriodMs: number;
  /** The elector's renew deadline (ms): a leader that has not renewed for this long gives leadership up. */
  readonly renewDeadlineMs?: number;
  /** Who runs with it, for the reader of a finding. */
  readonly source: string;
}

export interface HawkConfig {
  /**
   * Least slack added to the longest recent renewal interval before calling a lease overdue (ms): the intervals
   * already carry the watch's delivery jitter, so this covers only more of it than was seen. Kept small so a missed
   * renewal of kube's 2 s elector is called 2.5 s after the last one.
   */
  readonly renewSlackMs: number;
  /** Slack as a fraction of the learned cadence (0–1): a 26 s cadence gets 2.6 s, a 2 s one the floor above. */
  readonly renewSlackRatio: number;
  /**
   * A learned interval longer than this multiple of the median is a disruption, not the holder's rhythm (ratio ≥ 1):
   * ±30 % jitter stays within 1.3 / 0.7 ≈ 1.86 of the shortest, and within 1.6 of the median.
   */
  readonly renewOutlierRatio: number;
  /**
   * Slack while the cadence is only guessed from the lease duration (fraction of the guess, 0–1): covers a
   * holder renewing up to this much later than the guess, e.g. one with ±30 % jitter.
   */
  readonly priorRenewSlackRatio: number;
  /** Known elector timings by lease duration (kube's 15/10/2, OpenShift's 137/107/26), used before any is learned. */
  readonly knownElectorTimings: readonly KnownElectorTiming[];
  /**
   * For a lease duration not in knownElectorTimings, the retry period guessed as this fraction of it (0–1):
   * ingress-nginx renews every ttl/4, cert-manager 15 s of 60 s, kube-vip 1 s of 5 s.
   */
  readonly unknownElectorRetryRatio: number;
  /** Renewal intervals remembered per lease (count): the longest of them bounds a live renewal's lateness. */
  readonly cadenceSamples: number;
  /**
   * Intervals needed before the learned cadence alone decides (count): with fewer, the guess from the lease duration
   * still bounds it from below, so one early short interval cannot make hawk impatient.
   */
  readonly cadenceMinSamples: number;
  /**
   * For a lease duration not in knownElectorTimings (or one without renewDeadlineMs), the renew deadline guessed as
   * this fraction of it (0–1): kube's 10 s of 15 s, cert-manager's 40 s of 60 s.
   */
  readonly unknownElectorRenewDeadlineRatio: number;
  /**
   * A renewal interval at or past this fraction of the renew deadline is late (0–1): 6 s on kube's 10 s deadline,
   * three retry periods missed, with 4 s left before the leader gives up.
   */
  readonly leaderMarginLateRatio: number;
  /** The current holder's recent renewal intervals judged for margin (count). */
  readonly leaderMarginWindow: number;
  /**
   * Late intervals among them that warn the holder is running out of margin (count): a run of them, not one slow
   * renewal; on kube's 2 s cadence three of six late intervals take about half a minute.
   */
  readonly leaderMarginLateCount: number;
  /**
   * An apiserver whose /readyz takes this long (ms) is named as the likely cause of a leader's late renewals: a
   * renewal is one request through it, so it answers the holder as slowly.
   */
  readonly leaderMarginSlowApiServerMs: number;
  /** Lease transitions within `flapWindowMs` that count as flapping. */
  readonly flapTransitions: number;
  /** Window for counting lease transitions and etcd leader changes (ms). */
  readonly flapWindowMs: number;
  /** etcd leader changes within the window that count as flapping. */
  readonly etcdLeaderFlapChanges: number;
  /**
   * Identity lease of an apiserver not renewed for this long (ms) means the instance stopped heartbeating; renewed
   * every 10 s upstream.
   */
  readonly identityRenewStaleMs: number;
  /** DB size against quota that warns (fraction 0–1). */
  readonly etcdDbWarnRatio: number;
  /** DB size against quota that is critical (fraction 0–1). */
  readonly etcdDbCriticalRatio: number;
  /** Transitions kept per lease (count); older ones live in history. */
  readonly transitionsKept: number;
  /**
   * A holder's clock off from hawk's by more than this is pointed out on screens (ms). Only a note:
   * liveness is judged by observed renewals, never the holder's clock. The measured skew includes
   * watch latency (well under a second), hence a margin above it.
   */
  readonly clockSkewNoteMs: number;
  /**
   * A load balancer that accepts connections but fails hawk's probe for less than this since it last
   * answered well is not yet its own fault (ms): it may have relayed the probe to an instance that just
   * died, before its own health check removed it (HAProxy's default: a check every 2 s, 3 to fall).
   * A refused connection, nothing listening, is judged at once.
   */
  readonly loadBalancerFailureGraceMs: number;
  /**
   * A raft leader named in an etcd member's status stands as evidence of quorum for this long after the read (ms).
   * The claim itself is at most an election timeout (1 s) stale, by CheckQuorum; reads come every probe interval
   * (2 s by default) and may take the probe timeout (1.5 s): a claim older than this means hawk stopped hearing etcd.
   */
  readonly etcdLeaderEvidenceMs: number;
  /** The DB growth fitted for the quota projection spans at most this (ms): recent enough to follow a new load. */
  readonly etcdDbTrendWindowMs: number;
  /** No projection from reads spanning less than this (ms): one burst is not a trend. */
  readonly etcdDbTrendMinSpanMs: number;
  /** Growth below this (bytes per hour) is not projected: normal churn between compactions. */
  readonly etcdDbTrendMinBytesPerHour: number;
  /** A projected NOSPACE within this warns (ms): a day leaves time to find what writes. */
  readonly etcdQuotaEtaHorizonMs: number;
  /**
   * The window over which each etcd member's /metrics are read as a trend (ms): the deltas of its cumulative
   * histograms and counters between the oldest and newest scrape in it. Long enough that one slow fsync or one
   * stall does not decide, short enough to speak before raft gives up on a member.
   */
  readonly etcdDegradationWindowMs: number;
  /** No degradation judged from scrapes spanning less than this (ms). */
  readonly etcdDegradationMinSpanMs: number;
  /** A p99 from fewer observations than this in the window (count) is not judged: it would be one or two writes. */
  readonly etcdDegradationMinObservations: number;
  /**
   * A disk p99 past the guidance below warns only when it is also this multiple of the member's own p99 before the
   * window (ratio ≥ 1): a disk that has always been that slow is the node's nature, and warning on it forever would
   * cry wolf (the lab's shared disk runs at 13–15 ms fsync and 30–70 ms commit p99 when quiet, from one window
   * to the next).
   */
  readonly etcdDegradationBaselineRatio: number;
  /** WAL fsync p99 above this warns (ms): etcd's hardware guidance wants it under 10 ms. */
  readonly etcdWalFsyncP99WarnMs: number;
  /** Backend commit p99 above this warns (ms): etcd's guidance wants it under 25 ms. */
  readonly etcdBackendCommitP99WarnMs: number;
  /**
   * Peer round-trip p99 to every peer above this warns (ms): etcd's heartbeat interval (100 ms by default), which
   * its tuning guide sets near the round trip between members; past it heartbeats arrive late and the election
   * timeout nears.
   */
  readonly etcdPeerRttP99WarnMs: number;
  /**
   * Heartbeats a leader sent late (over twice the interval) within the window that warn (count): a busy host makes a
   * leader late now and then (the lab's 2 cores: 2 in a minute); a starved one, several a second.
   */
  readonly etcdHeartbeatFailuresWarn: number;
  /** A certificate ending within this warns (ms): 30 days leaves time to plan a renewal. */
  readonly certificateWarningMs: number;
  /** A certificate ending within this is critical (ms): 7 days, inside a week's on-call rotation. */
  readonly certificateCriticalMs: number;
}

export const DEFAULT_CONFIG: HawkConfig = {
  renewSlackMs: 400,
  renewSlackRatio: 0.1,
  renewOutlierRatio: 1.6,
  priorRenewSlackRatio: 0.35,
  knownElectorTimings: [
    {
      leaseDurationSeconds: 15,
      retryPeriodMs: 2000,
      renewDeadlineMs: 10_000,
      source: "client-go's and kube-controller-manager's defaults (15/10/2 s)",
    },
    {
      leaseDurationSeconds: 137,
      retryPeriodMs: 26_000,
      renewDeadlineMs: 107_000,
      source: "OpenShift's controller-manager and scheduler (137/107/26 s)",
    },
  ],
  unknownElectorRetryRatio: 0.25,
  cadenceSamples: 16,
  cadenceMinSamples: 8,
  unknownElectorRenewDeadlineRatio: 2 / 3,
  leaderMarginLateRatio: 0.6,
  leaderMarginWindow: 6,
  leaderMarginLateCount: 3,
  leaderMarginSlowApiServerMs: 1000,
  flapTransitions: 3,
  flapWindowMs: 10 * 60_000,
  etcdLeaderFlapChanges: 3,
  identityRenewStaleMs: 30_000,
  etcdDbWarnRatio: 0.8,
  etcdDbCriticalRatio: 0.95,
  transitionsKept: 50,
  clockSkewNoteMs: 10_000,
  loadBalancerFailureGraceMs: 7_000,
  etcdLeaderEvidenceMs: 5_000,
  etcdDbTrendWindowMs: 30 * 60_000,
  etcdDbTrendMinSpanMs: 5 * 60_000,
  etcdDbTrendMinBytesPerHour: 16 * 1024 ** 2,
  etcdQuotaEtaHorizonMs: 24 * 3_600_000,
  etcdDegradationWindowMs: 2 * 60_000,
  etcdDegradationMinSpanMs: 60_000,
  etcdDegradationMinObservations: 100,
  etcdDegradationBaselineRatio: 3,
  etcdWalFsyncP99WarnMs: 10,
  etcdBackendCommitP99WarnMs: 25,
  etcdPeerRttP99WarnMs: 100,
  etcdHeartbeatFailuresWarn: 10,
  certificateWarningMs: 30 * 86_400_000,
  certificateCriticalMs: 7 * 86_400_000,
};

/** Merges overrides into the defaults and validates relations between fields; returns an error instead of throwing. */
export function createConfig(overrides: Partial<HawkConfig> = {}): { config: HawkConfig } | { error: string } {
  const config: HawkConfig = { ...DEFAULT_CONFIG, ...overrides };
  for (const [key, value] of Object.entries(config)) {
    if (key === 'knownElectorTimings') continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      return { error: `config.${key} must be a non-negative number, got ${String(value)}` };
  }
  for (const timing of config.knownElectorTimings) {
    if (!(
      timing.leaseDurationSeconds > 0 &&
      timing.retryPeriodMs > 0 &&
      timing.retryPeriodMs < timing.leaseDurationSeconds * 1000
    )) {
      return {
        error:
          `config.knownElectorTimings: retry period ${timing.retryPeriodMs} ms must be positive ` +
          `and below the lease of ${timing.leaseDurationSeconds} s`,
      };
    }
  }
  if (config.renewOutlierRatio < 1) return { error: 'config.renewOutlierRatio must be at least 1' };
  if (config.etcdDegradationBaselineRatio < 1)
    return { error: 'config.etcdDegradationBaselineRatio must be at least 1' };
  const ratios = [
    'renewSlackRatio',
    'priorRenewSlackRatio',
    'unknownElectorRetryRatio',
    'unknownElectorRenewDeadlineRatio',
    'leaderMarginLateRatio',
  ] as const;
  for (const key of ratios) {
    if (config[key] > 1) return { error: `config.${key} must be at most 1` };
  }
  if (config.etcdDbWarnRatio >= config.etcdDbCriticalRatio)
    return { error: 'config.etcdDbWarnRatio must be below config.etcdDbCriticalRatio' };
  if (config.etcdDbCriticalRatio > 1) return { error: 'config.etcdDbCriticalRatio must be at most 1' };
  if (config.certificateCriticalMs >= config.certificateWarningMs)
    return { error: 'config.certificateCriticalMs must be below config.certificateWarningMs' };
  if (config.flapTransitions < 2) return { error: 'config.flapTransitions must be at least 2' };
  if (config.cadenceSamples < 1) return { error: 'config.cadenceSamples must be at least 1' };
  if (config.cadenceMinSamples < 1 || config.cadenceMinSamples > config.cadenceSamples)
    return { error: 'config.cadenceMinSamples must be between 1 and config.cadenceSamples' };
  if (config.leaderMarginLateCount < 1 || config.leaderMarginLateCount > config.leaderMarginWindow)
    return { error: 'config.leaderMarginLateCount must be between 1 and config.leaderMarginWindow' };
  return { config };
}

/** As createConfig, throwing: for boot, where a bad config must stop start-up. */
export function mustCreateConfig(overrides: Partial<HawkConfig> = {}): HawkConfig {
  const result = createConfig(overrides);
  if ('error' in result) throw new Error(result.error);
  return result.config;
}
