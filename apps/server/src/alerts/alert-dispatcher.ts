import type { Finding, IncidentLog, Severity, TimelineEvent } from '@hawk/core';
import { EMPTY_INCIDENT_LOG, findingsLeftOpen, foldIncident, SEVERITY_RANK, summarizeIncident } from '@hawk/core';
import type { TimelineAtStart } from '../history/timeline-at-start';
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
  /**
   * The stored timeline the open incidents are read from at start, so a resolve after a restart mid-incident carries
   * the whole incident (what /incidents/:n/summary says), not only what this process saw. Unset: live events only.
   */
  readonly storedTimeline?: {
    readonly atStart: TimelineAtStart;
    readonly clusterIds: readonly string[];
  };
  readonly now?: () => number;
  readonly log?: Pick<Logger, 'warn'>;
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

const keyOf = (clusterId: string, findingId: string) => `${clusterId}\u0000${findingId}`;
const noticeKey = (notice: AlertNotice) => keyOf(notice.clusterId, notice.finding.id);

/**
 * AlertDispatcher turns findings opening and resolving into notices. Deduplicates by finding id (a finding already
 * firing is not sent again on re-open from another replica's replay), sends resolve messages, and rate-limits per sink
 * so a flapping leader does not flood the channel: excess notices wait and go out together in the next window.
 */
export class AlertDispatcher {
  private readonly now: () => number;
  private readonly minRank: number;
  private readonly maxSends: number;
  private readonly windowMs: number;
  private readonly maxQueued: number;
  private readonly actsAlone: () => boolean;
  /** What fires, by cluster and finding: every replica tracks it, elected or not, so a new leader knows what ends. */
  private readonly firing = new Map<string, AlertNotice>();
  /**
   * What the stored timeline left open and has not fired here since this start: if the hub finds one cleared while no
   * hawk judged (ClusterHub.carryOver), its resolve still goes out, for the page an earlier process sent.
   */
  private readonly leftOpen = new Map<string, { readonly clusterId: string; readonly finding: Finding }>();
  private readonly sinks: SinkState[];
  private sent = 0;
  private failed = 0;
  private dropped = 0;
  /** Incidents folded as the timeline goes (only open ones kept), so the resolve that ends one carries its summary. */
  private incidents: IncidentLog = EMPTY_INCIDENT_LOG;
  /** Live events seen while the stored timeline is being read, folded again after it; null when not reading. */
  private beforeSeeded: TimelineEvent[] | null = null;
  /** Settles once the stored timeline was read into the open incidents, or given up on (tests wait for it). */
  readonly seeded: Promise<void>;
  private readonly unsubscribe: () => void;
  private readonly tick: NodeJS.Timeout;
  private readonly repeat: NodeJS.Timeout | null;

  constructor(private readonly options: AlertDispatcherOptions) {
    this.now = options.now ?? Date.now;
    this.minRank = SEVERITY_RANK[options.minSeverity ?? 'warning'];
    this.maxSends = options.maxSendsPerWindow ?? SERVER_DEFAULTS.alertMaxSendsPerWindow;
    this.windowMs = options.windowMs ?? SERVER_DEFAULTS.alertWindowMs;
    this.maxQueued = options.maxQueuedPerSink ?? SERVER_DEFAULTS.alertMaxQueuedPerSink;
    this.actsAlone = options.actsAlone ?? (() => true);
    this.sinks = options.sinks.map((sink) => ({
      sink,
      queue: new Map(),
      windowStart: this.now(),
      sendsInWindow: 0,
      inflight: Promise.resolve(),
    }));
    this.unsubscribe = options.hub.onTimeline((event) => this.onEvent(event));
    this.seeded = options.storedTimeline ? this.seed(options.storedTimeline) : Promise.resolve();
    this.tick = setInterval(() => void this.flush(), Math.min(this.windowMs, SERVER_DEFAULTS.alertFlushEveryMs));
    this.tick.unref();
    const repeatMs = options.repeatFiringMs ?? SERVER_DEFAULTS.alertRepeatFiringMs;
    this.repeat = repeatMs > 0 ? setInterval(() => this.repeatFiring(), repeatMs) : null;
    this.repeat?.unref();
  }

  stop(): void {
    this.beforeSeeded = null;
    this.unsubscribe();
    clearInterval(this.tick);
    if (this.repeat) clearInterval(this.repeat);
  }

  /**
   * This replica just became the one that sends to elected sinks. After a takeover from a holder that stopped renewing
   * (it may have died before sending), findings opened within `windowMs` before now are sent again: a possible
   * duplicate rather than a lost page.
   */
  tookOver(takeover: 'vacant' | 'expired', windowMs: number): void {
    if (takeover !== 'expired') return;
    const since = this.now() - windowMs;
    const recent = [...this.firing.values()].filter((notice) => notice.finding.since >= since);
    for (const state of this.sinks) if (state.sink.elected) for (const notice of recent) this.hold(state, notice);
    if (recent.length > 0) void this.flush();
  }

  /** Sends what is queued now, ignoring the timer (tests, shutdown); respects the rate limit. */
  flush(): Promise<void> {
    const sends = this.sinks.map((state) => (state.inflight = state.inflight.then(() => this.sendQueued(state))));
    return Promise.all(sends).then(() => undefined);
  }

  /** A property, not a method: it is handed on unbound (the alert metrics read it). */
  readonly stats = (): {
    readonly sent: number;
    /** Notices in failed deliveries (each attempt counts). */
    readonly failed: number;
    /** Notices given up: refused by the receiver (4xx) or pushed out of a full queue. */
    readonly dropped: number;
    readonly queued: number;
    readonly active: number;
  } => ({
    sent: this.sent,
    failed: this.failed,
    dropped: this.dropped,
    queued: this.sinks.reduce((sum, state) => sum + state.queue.size, 0),
    active: this.firing.size,
  });

  private onEvent(event: TimelineEvent): void {
    const name = () => this.options.hub.get?.(event.clusterId)?.identity.name ?? event.clusterId;
    const incidentSummary = this.endedSummary(event, name);
    if (event.kind === 'finding-opened') {
      if (SEVERITY_RANK[event.finding.severity] > this.minRank) return;
      const key = keyOf(event.clusterId, event.finding.id);
      this.leftOpen.delete(key);
      if (this.firing.has(key)) return;
      const notice: AlertNotice = {
        clusterId: event.clusterId,
        clusterName: name(),
        state: 'firing',
        finding: event.finding,
        resolvedAt: null,
      };
      this.firing.set(key, notice);
      this.enqueue(notice);
    } else if (event.kind === 'finding-resolved') {
      const key = keyOf(event.clusterId, event.findingId);
      const stored = this.leftOpen.get(key);
      const open =
        this.firing.get(key) ??
        (stored && { ...stored, clusterName: name(), state: 'firing' as const, resolvedAt: null });
      if (!open) return;
      this.firing.delete(key);
      this.leftOpen.delete(key);
      const summary = incidentSummary ? { incidentSummary } : {};
      this.enqueue({ ...open, state: 'resolved', resolvedAt: event.at, ...summary });
    } else {
      return;
    }
    void this.flush();
  }

  /**
   * Reads the open incidents from the stored timeline up to this start (the read the replica shares: the window and
   * event limit of /incidents). Live events fold meanwhile as they come (nothing waits for the history) and are
   * folded again after what was stored; events stamped from this start on are taken live only, so none is folded
   * twice.
   */
  private async seed(stored: NonNullable<AlertDispatcherOptions['storedTimeline']>): Promise<void> {
    const { limit } = stored.atStart;
    this.beforeSeeded = [];
    try {
      const timelines = await Promise.all(stored.clusterIds.map((id) => stored.atStart.read(id)));
      const live = this.beforeSeeded;
      if (live === null) return;
      const log = [...timelines.flat(), ...live].reduce(foldIncident, EMPTY_INCIDENT_LOG);
      stored.clusterIds.forEach((clusterId, index) => {
        for (const finding of findingsLeftOpen([
          ...timelines[index]!,
          ...live.filter((e) => e.clusterId === clusterId),
        ]))
          if (SEVERITY_RANK[finding.severity] <= this.minRank && !this.firing.has(keyOf(clusterId, finding.id)))
            this.leftOpen.set(keyOf(clusterId, finding.id), { clusterId, finding });
      });
      // What ended among the live events was sent already.
      this.incidents = { open: log.open, ended: [] };
      if (timelines.some((events) => events.length >= limit))
        this.options.log?.warn(
          { limit },
          'incident history holds more events than are read at start (the newest left out): summaries may miss them',
        );
    } catch (error) {
      this.options.log?.warn(
        { err: (error as Error).message },
        'incident history unreadable at start: summaries sent with resolves may start late (at this start)',
      );
    } finally {
      this.beforeSeeded = null;
    }
  }

  /** Folds `event` into the open incidents; the summary of the incident it ended, if it ended one. */
  private endedSummary(event: TimelineEvent, clusterName: () => string): string | undefined {
    this.incidents = foldIncident(this.incidents, event);
    this.keepUntilSeeded(event);
    const [ended] = this.incidents.ended;
    if (!ended) return undefined;
    this.incidents = { ...this.incidents, ended: [] };
    if (this.beforeSeeded !== null)
      this.options.log?.warn(
        { clusterId: ended.clusterId, incident: ended.n },
        'incident ended before the stored timeline was read: its summary may start late (at this start)',
      );
    return summarizeIncident(ended, clusterName());
  }

  /** Holds a live event for folding after the stored timeline; gives the read up rather than hold without bound. */
  private keepUntilSeeded(event: TimelineEvent): void {
    if (this.beforeSeeded === null) return;
    this.beforeSeeded.push(event);
    if (this.beforeSeeded.length < SERVER_DEFAULTS.incidentEventsLimit) return;
    this.beforeSeeded = null;
    this.options.log?.warn(
      { events: SERVER_DEFAULTS.incidentEventsLimit },
      'incident history not read before this many live events: summaries may start late (at this start)',
    );
  }

  /** Re-queues what fires: Alertmanager forgets an alert not re-sent within its resolve_timeout. */
  private repeatFiring(): void {
    // Elected sinks (a chat) are left out: there a repeat would be a second page.
    for (const notice of this.firing.values())
      for (const state of this.sinks)
        if (!state.sink.elected && !state.queue.has(noticeKey(notice))) this.hold(state, notice);
    void this.flush();
  }

  private enqueue(notice: AlertNotice): void {
    const alone = this.actsAlone();
    for (const state of this.sinks) if (!state.sink.elected || alone) this.hold(state, notice);
  }

  /** Holds `notice` for `state`'s sink: the finding's latest state replaces an older one still waiting. */
  private hold(state: SinkState, notice: AlertNotice): void {
    state.queue.set(noticeKey(notice), notice);
    for (const key of state.queue.keys()) {
      if (state.queue.size <= this.maxQueued) break;
      state.queue.delete(key);
      this.dropped += 1;
    }
  }

  private async sendQueued(state: SinkState): Promise<void> {
    const at = this.now();
    if (at - state.windowStart >= this.windowMs) {
      state.windowStart = at;
      state.sendsInWindow = 0;
    }
    if (state.queue.size === 0 || state.sendsInWindow >= this.maxSends) return;
    // The batch stays queued while it is in flight (a retry keeps its place, the queue length is
    // honest); what is delivered, or refused for good, leaves unless a newer state replaced it meanwhile.
    const batch = [...state.queue.values()];
    state.sendsInWindow += 1;
    try {
      await state.sink.send(batch);
      this.sent += batch.length;
      settle(state, batch);
    } catch (error) {
      this.failed += batch.length;
      const retry = isRetryable(error);
      if (!retry) {
        // The receiver refused the request itself (4xx): the same batch would be refused again.
        this.dropped += batch.length;
        settle(state, batch);
      }
      this.options.log?.warn(
        { sink: state.sink.name, notices: batch.length, retry, err: (error as Error).message },
        retry ? 'alert sink delivery failed; retrying' : 'alert sink refused the notices; dropped',
      );
    }
  }
}

/** Removes a sent batch from the sink's queue, except notices a newer state of the same finding replaced meanwhile. */
function settle(state: SinkState, batch: readonly AlertNotice[]): void {
  for (const notice of batch) if (state.queue.get(noticeKey(notice)) === notice) state.queue.delete(noticeKey(notice));
}

/** createAlertDispatcher starts an AlertDispatcher: it listens to the hub's timeline until stopped. */
export function createAlertDispatcher(options: AlertDispatcherOptions): AlertDispatcher {
  return new AlertDispatcher(options);
}
