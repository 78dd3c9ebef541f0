import { DEFAULT_CONFIG } from '@hawk/core';

/**
 * The server's defaults, in one place, each with its unit and why (what hawk judges by lives in core's config.ts).
 * Options and environment variables fall back to these; no other module writes a default number.
 */
/** Quiet resources' watch timeout (s), named because their staleness is derived from it. */
const QUIET_WATCH_SECONDS = 60;

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
  /**
   * How long an etcd alarm read may take once the member's status and member list have answered (ms). etcd serves
   * those two locally, but an alarm read is a raft request: without a leader it waits for the whole timeout, and the
   * status that says so (no leader: quorum lost) would wait with it. A member with a leader commits it within
   * milliseconds.
   */
  etcdAlarmGraceMs: 250,
  /**
   * How often a member's DB size is kept for the quota projection (ms): probes read it every couple of seconds, and a
   * 30-minute fit needs no more than one read in ten seconds.
   */
  etcdDbSampleEveryMs: 10_000,
  /** Changes arriving within this are judged once (ms): a relist's burst of events makes one state, not hundreds. */
  judgeDebounceMs: 50,
  /** How often time alone is judged again (ms): a lease falls overdue with no event to say so. */
  judgeTickMs: 1_000,
  /** Longest wait for the first complete look (slice listed, every instance probed) before judging anyway (ms). */
  firstLookMs: 10_000,
  /** An endpoint that left the slice and has not answered for this long is forgotten (ms). */
  forgetEndpointMs: 10 * 60_000,
  /** How often each cluster's certificates are read again (ms): they change at renewals only. */
  certificateIntervalMs: 10 * 60_000,
  /**
   * A finding the stored timeline left open, and not open again after this long of judgements that saw the whole
   * cluster, cleared while no hawk judged and is resolved then (ms): longer than any finding still true takes to open
   * again after a start (OpenShift's 137 s lease is the longest wait among the default electors).
   */
  carriedFindingSettleMs: 5 * 60_000,
  /** A failed watch's first retry delay (ms); doubled per failure, with full jitter, up to watchBackoffMaxMs. */
  watchBackoffInitialMs: 250,
  /** The longest wait before a failed watch is retried (ms). */
  watchBackoffMaxMs: 30_000,
  /** How often a watch's silence is checked (ms). */
  watchCheckEveryMs: 1_000,
  /**
   * List and watch response headers, and a list's body (ms): long enough for a busy apiserver, short enough to fail
   * over.
   */
  listWatchHeadersTimeoutMs: 5_000,
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
  /** Events one timeline request returns when it names no limit (count). */
  historyTimelineLimit: 1_000,
  /** Most timeline events one incidents request folds (count); past it the newest are missing and the answer says. */
  incidentEventsLimit: 50_000,
  /** Sends per alert sink per window (count): a flapping leader does not flood a channel; the rest go batched. */
  alertMaxSendsPerWindow: 10,
  /** The alert rate-limit window (ms). */
  alertWindowMs: 60_000,
  /** How often held notices are flushed at most (ms; sooner when the window is shorter). */
  alertFlushEveryMs: 5_000,
  /** Firing alerts are re-sent this often (ms): within Alertmanager's resolve_timeout (5 m), so they stay active. */
  alertRepeatFiringMs: 60_000,
  /** Notices one sink holds (count): one per open finding, so only more open findings than this drop the oldest. */
  alertMaxQueuedPerSink: 1000,
  /** One delivery to Alertmanager or a webhook (ms): a hung receiver frees the sink's queue for a retry. */
  alertSinkTimeoutMs: 5_000,
  /** Subscriptions one socket may hold (count): bounds the rooms a client can make hawk fill. */
  socketMaxSubscriptions: 64,
  /** Largest frame a client may send (bytes): client frames are tiny. */
  socketMaxFrameBytes: 16 * 1024,
  /** Sockets one client may hold open at once (count): a few tabs and wall screens. */
  socketMaxPerClient: 32,
  /** New sessions one client may open per minute (count), beyond a burst of as many. */
  socketHandshakesPerMinute: 120,
  /** Snapshots (each a whole cluster state) one client may ask for per minute (count). */
  socketSnapshotsPerMinute: 120,
  /** socket.io's heartbeat (ms): a dead peer is noticed within this plus socketPingTimeoutMs (15 s). */
  socketPingIntervalMs: 10_000,
  /** How long a heartbeat may go unanswered (ms). */
  socketPingTimeoutMs: 5_000,
  /** A client back within this (ms) gets the patches it missed replayed instead of a whole snapshot. */
  socketRecoveryMs: 2 * 60_000,
  /** One discovery or cluster-info GET (ms, headers and body each): a busy apiserver answers well within it. */
  discoveryTimeoutMs: 5_000,
  /** A distribution does not change under a running cluster (ms): a look every 10 minutes catches upgrades. */
  clusterInfoEveryMs: 10 * 60_000,
  /** Connecting to Redis, the leader lock's store (ms): an unreachable lock is known within this, so a replica acts. */
  redisConnectTimeoutMs: 2_000,
  /** The first wait before reconnecting to Redis (ms); doubled per failure up to redisReconnectMaxMs. */
  redisReconnectFirstMs: 100,
  /** The longest wait between Redis reconnects (ms): well under the leader lease, so a returning lock is seen soon. */
  redisReconnectMaxMs: 2_000,
  /** An idle connection to an apiserver or etcd is kept this long (ms): over the probe interval, so probes reuse it. */
  agentKeepAliveMs: 10_000,
  /** Time allowed for a proxy's answer to CONNECT plus the TLS handshake behind it (ms), as undici's default. */
  proxyConnectTimeoutMs: 10_000,
  /** A client replaced by new credentials is closed this long after (ms): its open watches time out first. */
  retiredAgentCloseMs: 10 * 60_000,
  /** LeaseCandidate discovery is asked again this long after it found none (ms): an upgrade may turn it on. */
  leaseCandidateRecheckMs: 10 * 60_000,
  /** A SQLite statement waits this long for a lock another connection holds (ms) before it fails. */
  sqliteBusyTimeoutMs: 5_000,
  /** PostgreSQL connections in the pool (count): one writer at a time, the rest for REST reads. */
  postgresMaxConnections: 4,
  /** How long to wait for a PostgreSQL connection before failing (ms). */
  postgresConnectTimeoutMs: 10_000,
  /** A request slower than this is worth an operator's attention (ms): logged at info, even a polled route's. */
  slowRequestMs: 1_000,
  /** Longest a graceful shutdown may take before the process exits anyway (ms); under Kubernetes' 30 s grace. */
  shutdownDeadlineMs: 10_000,
  /** A timeline request that names no `from` covers this much before its `to` (ms): the last day. */
  timelineWindowMs: 24 * 60 * 60_000,
  /** Incidents are looked for this far back unless `from` says (ms): the default history retention, 7 days. */
  incidentWindowMs: 7 * 24 * 60 * 60_000,
  /** The server-side timeout of watches on quiet resources (s): each ends and resumes about every minute. */
  quietWatchSeconds: QUIET_WATCH_SECONDS,
  /** A quiet watch silent this long, not even resuming, is restarted (ms): two of its timeouts. */
  quietWatchStaleMs: 2 * QUIET_WATCH_SECONDS * 1000,
  /** Least silence of the leases watch that restarts it while leader leases are held (ms). */
  renewingLeasesStaleMs: 10_000,
  /** A watch the server ends sooner than this (ms) having sent nothing is a failure, as in client-go. */
  shortWatchMs: 1_000,
  /** Objects per list page (count), as client-go's reflector pages. */
  listPageSize: 500,
  /** After a silent watch is restarted, how long its relist may take before the source is called stale (ms). */
  staleGraceMs: 5_000,
  /** A session that ran this long before failing was healthy: its failure starts the backoff afresh (ms). */
  healthyRunMs: 10_000,
  /** How often the leading replica prunes history past its retention (ms). */
  historyPruneEveryMs: 60 * 60_000,
  /** How long a Redis lock's release marker is kept (ms): far longer than a follower's retry period. */
  redisReleaseMarkerMs: 60_000,
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
