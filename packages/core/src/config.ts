/**
 * Every threshold hawk judges by, in one place, each with its unit and why. Validated once by
 * `createConfig`; rules read it and never hard-code a number.
 */
export interface HawkConfig {
  /** Slack added to a lease's learned renewal cadence before calling it overdue (ms). Covers watch delivery jitter. */
  readonly renewSlackMs: number;
  /** Cadence assumed until one is learned (ms): client-go's default retry period is 2 s. */
  readonly defaultRenewCadenceMs: number;
  /** Renewal intervals remembered per lease to learn its cadence. */
  readonly cadenceSamples: number;
  /** Intervals needed before a cadence counts as learned (count): fewer is noise from watch start-up. */
  readonly cadenceMinSamples: number;
  /** Lease transitions within `flapWindowMs` that count as flapping. */
  readonly flapTransitions: number;
  /** Window for counting lease transitions and etcd leader changes (ms). */
  readonly flapWindowMs: number;
  /** etcd leader changes within the window that count as flapping. */
  readonly etcdLeaderFlapChanges: number;
  /** Identity lease of an apiserver not renewed for this long (ms) means the instance stopped heartbeating; renewed every 10 s upstream. */
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
}

export const DEFAULT_CONFIG: HawkConfig = {
  renewSlackMs: 1000,
  defaultRenewCadenceMs: 2000,
  cadenceSamples: 8,
  cadenceMinSamples: 3,
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
};

/** Merges overrides into the defaults and validates relations between fields; returns an error instead of throwing. */
export function createConfig(overrides: Partial<HawkConfig> = {}): { config: HawkConfig } | { error: string } {
  const config: HawkConfig = { ...DEFAULT_CONFIG, ...overrides };
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return { error: `config.${key} must be a non-negative number, got ${String(value)}` };
  }
  if (config.etcdDbWarnRatio >= config.etcdDbCriticalRatio) return { error: 'config.etcdDbWarnRatio must be below config.etcdDbCriticalRatio' };
  if (config.etcdDbCriticalRatio > 1) return { error: 'config.etcdDbCriticalRatio must be at most 1' };
  if (config.flapTransitions < 2) return { error: 'config.flapTransitions must be at least 2' };
  if (config.cadenceSamples < 1) return { error: 'config.cadenceSamples must be at least 1' };
  if (config.cadenceMinSamples < 1 || config.cadenceMinSamples > config.cadenceSamples) return { error: 'config.cadenceMinSamples must be between 1 and config.cadenceSamples' };
  return { config };
}

/** As createConfig, throwing: for boot, where a bad config must stop start-up. */
export function mustCreateConfig(overrides: Partial<HawkConfig> = {}): HawkConfig {
  const result = createConfig(overrides);
  if ('error' in result) throw new Error(result.error);
  return result.config;
}
