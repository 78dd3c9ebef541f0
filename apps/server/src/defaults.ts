import { DEFAULT_CONFIG } from '@hawk/core';

/**
 * The server's defaults, in one place, each with its unit and why (what hawk judges by lives in core's config.ts).
 * Options and environment variables fall back to these; no other module writes a default number.
 */
export const SERVER_DEFAULTS = {
  /** How often each apiserver, the front door and etcd are probed (ms) when neither env nor config file says. */
  probeIntervalMs: 2_000,
  /** One probe request's timeout (ms): under the interval, so a hung target never holds up the next round. */
  probeTimeoutMs: 1_500,
  /**
   * How often an address whose last /readyz failed is asked again (ms): its return is seen within this, not a whole
   * interval later, so an incident's end and recovery time are told to about half a second. One address's cost.
   */
  recoveringProbeEveryMs: 500,
  /**
   * The probe scheduler ticks every quarter interval, at least this often (ms), so urgent probes and each interval are
   * kept to within it.
   */
  probeTickMaxMs: 250,
  /** ...and at most this often (ms): a fast interval does not spin the timer. */
  probeTickMinMs: 50,
  /**
   * How often a held apiserver connection is PINGed (ms): its timeout is the probe timeout, so a frozen instance is
   * seen within this plus that.
   */
  heldConnectionPingEveryMs: 500,
  /** How often each etcd member's /metrics is read (ms): the degradation trend is judged over minutes. */
  etcdMetricsEveryMs: 10_000,
  /** The least time an etcd /metrics read is given (ms): a few hundred KiB, more than a probe's small answer. */
  etcdMetricsTimeoutMinMs: 5_000,
  /** Changes arriving within this are judged once (ms): a relist's burst of events makes one state, not hundreds. */
  judgeDebounceMs: 50,
  /** How often time alone is judged again (ms): a lease falls overdue with no event to say so. */
  judgeTickMs: 1_000,
  /** How often each cluster's certificates are read again (ms): they change at renewals only. */
  certificateIntervalMs: 10 * 60_000,
  /** A failed watch's first retry delay (ms); doubled per failure, with full jitter, up to watchBackoffMaxMs. */
  watchBackoffInitialMs: 250,
  /** The longest wait before a failed watch is retried (ms). */
  watchBackoffMaxMs: 30_000,
  /** How often a watch's silence is checked (ms). */
  watchCheckEveryMs: 1_000,
  /**
   * The replicas' leader lock lives this long without renewal (ms): a dead leader's successor waits at most this.
   * client-go's relation holds for the three: lease duration > renew deadline > retry period.
   */
  electorLeaseDurationMs: 10_000,
  /** A leader that could not renew for this long steps down (ms), before its lock can expire under it. */
  electorRenewDeadlineMs: 7_000,
  /** How often a replica tries to acquire or renew the leader lock (ms). */
  electorRetryPeriodMs: 2_000,
  /**
   * History stores a cluster's full state every this many changes (count); the rows between hold only changed
   * parts, so a replay reads at most this many patches after its base.
   */
  historySnapshotEvery: 100,
  /** PostgreSQL connections in the pool (count): one writer at a time, the rest for REST reads. */
  postgresMaxConnections: 4,
  /** How long to wait for a PostgreSQL connection before failing (ms). */
  postgresConnectTimeoutMs: 10_000,
} as const;

/**
 * The slowest probe interval hawk accepts (ms). In calm mode the front door is asked every second interval (see
 * probes/probe-cadence.ts), so its last good answer may be two intervals old when it first fails; core grants a load
 * balancer loadBalancerFailureGraceMs from that answer, for a probe it relayed to an instance that just died. Two
 * intervals must stay under that grace, or such a relay is judged "load balancer down".
 */
export const MAX_PROBE_INTERVAL_MS = Math.ceil(DEFAULT_CONFIG.loadBalancerFailureGraceMs / 2) - 1;

/** The fastest probe interval hawk accepts (ms): faster only loads the apiservers. */
export const MIN_PROBE_INTERVAL_MS = 200;

/** What a probe interval must be, said by the error that refuses one. */
export const PROBE_INTERVAL_DESCRIPTION =
  `an integer from ${MIN_PROBE_INTERVAL_MS} to ${MAX_PROBE_INTERVAL_MS} ms: the front door is probed every ` +
  `second interval in calm mode, and two intervals must stay under core's loadBalancerFailureGraceMs ` +
  `(${DEFAULT_CONFIG.loadBalancerFailureGraceMs} ms)`;
