import type { IncidentLog, Severity, TimelineEvent } from '@hawk/core';
import { EMPTY_INCIDENT_LOG, foldIncident, SEVERITY_RANK, summarizeIncident } from '@hawk/core';
import type { ClusterHub } from '../hub';
import type { Logger } from '../logger';
import { isRetryable, type AlertNotice, type AlertSink } from './alert-notice';
import { SERVER_DEFAULTS } from '../defaults';

export interface AlertDispatcherOptions {
  /** Findings come from onTimeline; `get` gives the cluster's name (its id when absent). */
  readonly hub: Pick<ClusterHub, 'onTimeline'> & Partial<Pick<ClusterHub, 'get'>>;
  readonly sinks: readonly AlertSink[];
  /** Least severe finding that is sent (default warning: info findings are for the screen only). */
  readonly minSeverity?: Severity;
  /**
   * At most this many sends per sink per window; the rest wait for the next window, batched. Unset options here take
   * their defaults from SERVER_DEFAULTS.
   */
  readonly maxSendsPerWindow?: number;
  /** Rate-limit window (ms). */
  readonly windowMs?: number;
  /** Firing alerts are re-sent this often so Alertmanager keeps them active (ms; 0 disables). */
  readonly repeatFiringMs?: number;
  /**
   * Whether this replica sends to elected sinks now (see AlertSink.elected): the leader, or every
   * replica while the lock cannot be reached. Default: always.
   */
  readonly actsAlone?: () => boolean;
  /**
   * Most notices one sink holds. A notice per finding is held at most once (its latest state), so only more
   * open findings than this could reach it; the oldest are dropped then.
   */
  readonly maxQueuedPerSink?: number;
  readonly now?: () => number;
  readonly log?: Pick<Logger, 'warn'>;
}

export interface AlertDispatcher {
  stop(): void;
  /**
   * This replica just became the one that sends to elected sinks. After a takeover from a holder
   * that stopped renewing (it may have died before sending), findings opened within `windowMs`
   * before now are sent again: a possible duplicate rather than a lost page.
   */
  tookOver(takeover: 'vacant' | 'expired', windowMs: number): void;
  /** Sends what is queued now, ignoring the timer (tests, shutdown); respects the rate limit. */
  flush(): Promise<void>;
  stats(): {
    readonly sent: number;
    /** Notices in failed deliveries (each attempt counts). */
    readonly failed: number;
    /** Notices given up: refused by the receiver (4xx) or pushed out of a full queue. */
    readonly dropped: number;
    readonly queued: number;
    readonly active: number;
  };
}

interface SinkState {
  readonly sink: AlertSink;
  /**
   * What waits to be sent, one notice per finding (its latest state) in the order first queued: a
   * repeat of a firing notice still waiting, or a retry of a failed one, replaces rather than adds,
   * so the queue cannot grow while a receiver is down.
   */
  queue: Map<string, AlertNotice>;
  windowStart: number;
  sendsInWindow: number;
  /** Sends to one sink are serialized, so a flush waits for the one already in flight. */
  inflight: Promise<void>;
}

/**
 * Turns findings opening and resolving into notices. Deduplicates by finding id (a finding already
 * firing is not sent again on re-open from another replica's replay), sends resolve messages, and
 * rate-limits per sink so a flapping leader does not flood the channel: excess notices wait and go
 * out together in the next window.
 */
export function createAlertDispatcher(options: AlertDispatcherOptions): AlertDispatcher {
  const now = options.now ?? Date.now;
  const minRank = SEVERITY_RANK[options.minSeverity ?? 'warning'];
  const maxSends = options.maxSendsPerWindow ?? SERVER_DEFAULTS.alertMaxSendsPerWindow;
  const windowMs = options.windowMs ?? SERVER_DEFAULTS.alertWindowMs;
  const firing = new Map<string, AlertNotice>();
  const maxQueued = options.maxQueuedPerSink ?? SERVER_DEFAULTS.alertMaxQueuedPerSink;
  const sinks: SinkState[] = options.sinks.map((sink) => ({
    sink,
    queue: new Map(),
    windowStart: now(),
    sendsInWindow: 0,
    inflight: Promise.resolve(),
  }));
  let sent = 0;
  let failed = 0;
  let dropped = 0;

  const keyOf = (clusterId: string, findingId: string) => `${clusterId}\u0000${findingId}`;
  const noticeKey = (notice: AlertNotice) => keyOf(notice.clusterId, notice.finding.id);
  const actsAlone = options.actsAlone ?? (() => true);
  /** Holds `notice` for `state`'s sink: the finding's latest state replaces an older one still waiting. */
  const hold = (state: SinkState, notice: AlertNotice) => {
    state.queue.set(noticeKey(notice), notice);
    for (const key of state.queue.keys()) {
      if (state.queue.size <= maxQueued) break;
      state.queue.delete(key);
      dropped += 1;
    }
  };
  const enqueue = (notice: AlertNotice) => {
    const alone = actsAlone();
    for (const state of sinks) if (!state.sink.elected || alone) hold(state, notice);
  };

  // Incidents are folded as the timeline goes (only open ones are kept), so the resolve that ends one carries its
  // summary.
  let incidents: IncidentLog = EMPTY_INCIDENT_LOG;
  const endedSummary = (event: TimelineEvent, clusterName: () => string): string | undefined => {
    incidents = foldIncident(incidents, event);
    const [ended] = incidents.ended;
    if (!ended) return undefined;
    incidents = { ...incidents, ended: [] };
    return summarizeIncident(ended, clusterName());
  };

  // Every replica tracks what fires, elected or not, so a new leader knows what to resolve.
  const onEvent = (event: TimelineEvent) => {
    const name = () => options.hub.get?.(event.clusterId)?.identity.name ?? event.clusterId;
    const incidentSummary = endedSummary(event, name);
    if (event.kind === 'finding-opened') {
      if (SEVERITY_RANK[event.finding.severity] > minRank) return;
      const key = keyOf(event.clusterId, event.finding.id);
      if (firing.has(key)) return;
      const notice: AlertNotice = {
        clusterId: event.clusterId,
        clusterName: name(),
        state: 'firing',
        finding: event.finding,
        resolvedAt: null,
      };
      firing.set(key, notice);
      enqueue(notice);
    } else if (event.kind === 'finding-resolved') {
      const key = keyOf(event.clusterId, event.findingId);
      const open = firing.get(key);
      if (!open) return;
      firing.delete(key);
      enqueue({ ...open, state: 'resolved', resolvedAt: event.at, ...(incidentSummary ? { incidentSummary } : {}) });
    } else {
      return;
    }
    void flush();
  };

  async function sendQueued(state: SinkState): Promise<void> {
    const at = now();
    if (at - state.windowStart >= windowMs) {
      state.windowStart = at;
      state.sendsInWindow = 0;
    }
    if (state.queue.size === 0 || state.sendsInWindow >= maxSends) return;
    // The batch stays queued while it is in flight (a retry keeps its place, the queue length is
    // honest); what is delivered, or refused for good, leaves unless a newer state replaced it meanwhile.
    const batch = [...state.queue.values()];
    const settle = () => {
      for (const notice of batch)
        if (state.queue.get(noticeKey(notice)) === notice) state.queue.delete(noticeKey(notice));
    };
    state.sendsInWindow += 1;
    try {
      await state.sink.send(batch);
      sent += batch.length;
      settle();
    } catch (error) {
      failed += batch.length;
      const retry = isRetryable(error);
      if (!retry) {
        // The receiver refused the request itself (4xx): the same batch would be refused again.
        dropped += batch.length;
        settle();
      }
      options.log?.warn(
        { sink: state.sink.name, notices: batch.length, retry, err: (error as Error).message },
        retry ? 'alert sink delivery failed; retrying' : 'alert sink refused the notices; dropped',
      );
    }
  }

  function flush(): Promise<void> {
    return Promise.all(sinks.map((state) => (state.inflight = state.inflight.then(() => sendQueued(state))))).then(
      () => undefined,
    );
  }

  const unsubscribe = options.hub.onTimeline(onEvent);
  const tick = setInterval(() => void flush(), Math.min(windowMs, SERVER_DEFAULTS.alertFlushEveryMs));
  tick.unref();
  const repeatMs = options.repeatFiringMs ?? SERVER_DEFAULTS.alertRepeatFiringMs;
  const repeat =
    repeatMs > 0
      ? setInterval(() => {
          // Alertmanager forgets an alert not re-sent within its resolve_timeout; a chat would repeat the page.
          for (const notice of firing.values())
            for (const state of sinks)
              if (!state.sink.elected && !state.queue.has(noticeKey(notice))) hold(state, notice);
          void flush();
        }, repeatMs)
      : null;
  repeat?.unref();

  return {
    stop() {
      unsubscribe();
      clearInterval(tick);
      if (repeat) clearInterval(repeat);
    },
    flush,
    tookOver(takeover, windowMs) {
      if (takeover !== 'expired') return;
      const since = now() - windowMs;
      const recent = [...firing.values()].filter((notice) => notice.finding.since >= since);
      for (const state of sinks) if (state.sink.elected) for (const notice of recent) hold(state, notice);
      if (recent.length > 0) void flush();
    },
    stats: () => ({
      sent,
      failed,
      dropped,
      queued: sinks.reduce((sum, state) => sum + state.queue.size, 0),
      active: firing.size,
    }),
  };
}
