import type { Freshness, SourceName } from '@hawk/core';
import { SERVER_DEFAULTS } from '../defaults';
import { describeError } from '../util/describe-error';
import { GoneError } from './list-watch';
import type { Logger } from '../logger';

/** What a running session tells its supervisor. */
export interface SessionReport {
  /** Anything arrived from the server: a list, an event, a bookmark, a (re)opened watch. */
  activity(): void;
  /** The first full view is in: the source is live. */
  synced(): void;
  /** The API does not serve this resource: nothing to watch, and no silence to judge. */
  unavailable(detail: string): void;
  /** Beyond `kept` objects listed from `path`, `dropped` more were left out (0: none any more). */
  dropped(path: string, kept: number, dropped: number): void;
}

/** A session runs until it throws; it returns only when aborted. */
export type Session = (signal: AbortSignal, report: SessionReport) => Promise<void>;

/** One watched source's counters, as the metrics read them; `lastEventAgeMs` is computed at read time. */
export interface SourceStats {
  readonly clusterId: string;
  readonly source: SourceName;
  readonly state: Freshness['state'];
  readonly restarts: number;
  /** Restarts caused by 410 Gone (a relist, not an outage). */
  readonly relists: number;
  /** Restarts caused by the staleness watchdog. */
  readonly staleRestarts: number;
  readonly lastEventAt: number | null;
  readonly lastEventAgeMs: number | null;
  readonly lastError: string | null;
}

export interface SupervisorOptions {
  /** The cluster the source belongs to, for its counters. */
  readonly clusterId: string;
  readonly name: SourceName;
  readonly session: Session;
  /** Silence after which the watch is restarted (ms); read on every check so it may follow what was seen. */
  staleAfterMs(): number;
  onFreshness(freshness: Freshness): void;
  readonly now: () => number;
  readonly logger: Logger;
  /** First retry delay and cap (ms, default SERVER_DEFAULTS.watchBackoff*); doubled per failure, with full jitter. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** How often the watchdog looks (ms, default SERVER_DEFAULTS.watchCheckEveryMs). */
  readonly checkEveryMs?: number;
}

class StaleError extends Error {}

/**
 * Supervisor keeps one source's session running, apart from the session's own logic:
 * 1. run the session; it lists, then watches until something goes wrong;
 * 2. on 410 Gone, relist at once (the data moved on, the server is fine);
 * 3. on silence longer than `staleAfterMs`, restart it at once, and call it stale if the relist does not succeed
 *    promptly;
 * 4. on any other error, wait a jittered exponential backoff, then go to 1.
 * Only one session runs at a time, so restarts never pile up.
 */
export class Supervisor {
  private latest: Freshness = { state: 'reconnecting', lastEventAt: null };
  /** What the session left out, by path; carried on every freshness until a list keeps everything again. */
  private dropped: NonNullable<Freshness['dropped']> = {};
  private restarts = 0;
  private relists = 0;
  private staleRestarts = 0;
  private syncs = 0;
  private lastError: string | null = null;
  private lastActivityAt: number;
  private unavailable = false;
  private stopped = true;
  private current: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly options: SupervisorOptions) {
    this.lastActivityAt = options.now();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    await this.loop;
  }

  freshness(): Freshness {
    return this.latest;
  }

  stats(): SourceStats {
    const lastEventAt = this.latest.lastEventAt;
    return {
      clusterId: this.options.clusterId,
      source: this.options.name,
      state: this.latest.state,
      restarts: this.restarts,
      relists: this.relists,
      staleRestarts: this.staleRestarts,
      lastEventAt,
      lastEventAgeMs: lastEventAt === null ? null : this.options.now() - lastEventAt,
      lastError: this.lastError,
    };
  }

  private setFreshness(state: Freshness): void {
    const { dropped: _previous, ...rest } = state;
    const next: Freshness = Object.keys(this.dropped).length > 0 ? { ...rest, dropped: this.dropped } : rest;
    const latest = this.latest;
    if (
      next.state === latest.state &&
      next.lastEventAt === latest.lastEventAt &&
      next.detail === latest.detail &&
      next.dropped === latest.dropped
    )
      return;
    this.latest = next;
    this.options.onFreshness(next);
  }

  /** What one session is handed; its members may be passed on unbound (a list-watch's onActivity). */
  private report(): SessionReport {
    return {
      activity: () => {
        const at = this.options.now();
        this.lastActivityAt = at;
        this.setFreshness({
          state: this.latest.state,
          lastEventAt: at,
          ...(this.latest.state === 'live' ? {} : { detail: this.latest.detail }),
        });
      },
      synced: () => {
        this.syncs += 1;
        const at = this.options.now();
        this.lastActivityAt = at;
        this.lastError = null;
        this.setFreshness({ state: 'live', lastEventAt: at });
      },
      unavailable: (detail) => {
        this.unavailable = true;
        this.setFreshness({ state: 'unavailable', lastEventAt: this.options.now(), detail });
      },
      dropped: (path, kept, count) => {
        const { [path]: _previous, ...others } = this.dropped;
        this.dropped = count > 0 ? { ...others, [path]: { kept, dropped: count } } : others;
        this.setFreshness(this.latest);
      },
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async runOnce(): Promise<{ error: unknown; ranMs: number }> {
    const controller = new AbortController();
    this.current = controller;
    this.unavailable = false;
    this.lastActivityAt = this.options.now();
    const startedAt = this.options.now();
    const watchdog = setInterval(() => {
      if (this.unavailable || controller.signal.aborted) return;
      const silentMs = this.options.now() - this.lastActivityAt;
      if (silentMs > this.options.staleAfterMs())
        controller.abort(new StaleError(`no event for ${Math.round(silentMs / 1000)} s`));
    }, this.options.checkEveryMs ?? SERVER_DEFAULTS.watchCheckEveryMs);
    try {
      await this.options.session(controller.signal, this.report());
      return { error: controller.signal.reason ?? null, ranMs: this.options.now() - startedAt };
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      return { error: reason, ranMs: this.options.now() - startedAt };
    } finally {
      clearInterval(watchdog);
      controller.abort();
      this.current = null;
    }
  }

  private async supervise(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const { error, ranMs } = await this.runOnce();
      if (this.stopped) break;
      this.restarts += 1;
      if (ranMs >= SERVER_DEFAULTS.healthyRunMs) failures = 0;
      if (error instanceof StaleError) {
        this.restartedSilent(error);
        continue;
      }
      if (error instanceof GoneError) {
        this.relisting(error);
        // A second 410 in a row is not the data moving on: back off as for any error.
        if (failures++ === 0) continue;
      } else {
        failures += 1;
        this.failed(error);
      }
      await this.backOff(failures);
    }
  }

  /** The watchdog restarted a silent session. */
  private restartedSilent(error: StaleError): void {
    this.staleRestarts += 1;
    this.lastError = error.message;
    this.options.logger.warn(
      { source: this.options.name, reason: error.message },
      'source silent: restarting its watch',
    );
    // Silence may be a quiet cluster (every leader stopped renewing) or a dead watch: the relist
    // tells. Only if it does not come back promptly is the data called stale.
    const syncsBefore = this.syncs;
    const silentSince = this.latest.lastEventAt;
    const timer = setTimeout(() => {
      if (!this.stopped && this.syncs === syncsBefore)
        this.setFreshness({ state: 'stale', lastEventAt: silentSince, detail: `${error.message}, restarting watch` });
    }, SERVER_DEFAULTS.staleGraceMs);
    timer.unref();
  }

  /** 410 Gone: the watch expired and the session relists. */
  private relisting(error: GoneError): void {
    this.relists += 1;
    this.lastError = error.message;
    this.options.logger.info({ source: this.options.name }, 'watch expired (410 Gone): relisting');
    this.setFreshness({
      state: this.latest.state === 'live' ? 'reconnecting' : this.latest.state,
      lastEventAt: this.latest.lastEventAt,
      detail: '410 Gone, relisting',
    });
  }

  /** Any other error: the session reconnects after a backoff. */
  private failed(error: unknown): void {
    this.lastError = describeError(error);
    this.options.logger.warn({ source: this.options.name, error: this.lastError }, 'source failed: reconnecting');
    this.setFreshness({
      state: this.latest.state === 'stale' ? 'stale' : 'reconnecting',
      lastEventAt: this.latest.lastEventAt,
      detail: this.lastError,
    });
  }

  /** Waits between half and all of the exponential ceiling (jittered, so sources do not retry in step). */
  private backOff(failures: number): Promise<void> {
    const initialMs = this.options.backoffInitialMs ?? SERVER_DEFAULTS.watchBackoffInitialMs;
    const maxMs = this.options.backoffMaxMs ?? SERVER_DEFAULTS.watchBackoffMaxMs;
    const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 20));
    return this.sleep(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

/** createSupervisor starts nothing: call start(). */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  return new Supervisor(options);
}
