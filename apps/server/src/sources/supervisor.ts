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

export interface Supervisor {
  start(): void;
  stop(): Promise<void>;
  freshness(): Freshness;
  stats(): SourceStats;
}

class StaleError extends Error {}

/**
 * createSupervisor keeps one source's session running, apart from the session's own logic:
 * 1. run the session; it lists, then watches until something goes wrong;
 * 2. on 410 Gone, relist at once (the data moved on, the server is fine);
 * 3. on silence longer than `staleAfterMs`, restart it at once, and call it stale if the relist does not succeed
 *    promptly;
 * 4. on any other error, wait a jittered exponential backoff, then go to 1.
 * Only one session runs at a time, so restarts never pile up.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const initialMs = options.backoffInitialMs ?? SERVER_DEFAULTS.watchBackoffInitialMs;
  const maxMs = options.backoffMaxMs ?? SERVER_DEFAULTS.watchBackoffMaxMs;
  let freshness: Freshness = { state: 'reconnecting', lastEventAt: null };
  /** What the session left out, by path; carried on every freshness until a list keeps everything again. */
  let dropped: NonNullable<Freshness['dropped']> = {};
  let restarts = 0;
  let relists = 0;
  let staleRestarts = 0;
  let syncs = 0;
  let lastError: string | null = null;
  let lastActivityAt = options.now();
  let unavailable = false;
  let stopped = true;
  let current: AbortController | null = null;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const setFreshness = (state: Freshness) => {
    const { dropped: _previous, ...rest } = state;
    const next: Freshness = Object.keys(dropped).length > 0 ? { ...rest, dropped } : rest;
    if (
      next.state === freshness.state &&
      next.lastEventAt === freshness.lastEventAt &&
      next.detail === freshness.detail &&
      next.dropped === freshness.dropped
    )
      return;
    freshness = next;
    options.onFreshness(next);
  };

  const report = (): SessionReport => ({
    activity() {
      const at = options.now();
      lastActivityAt = at;
      setFreshness({
        state: freshness.state,
        lastEventAt: at,
        ...(freshness.state === 'live' ? {} : { detail: freshness.detail }),
      });
    },
    synced() {
      syncs += 1;
      const at = options.now();
      lastActivityAt = at;
      lastError = null;
      setFreshness({ state: 'live', lastEventAt: at });
    },
    unavailable(detail) {
      unavailable = true;
      setFreshness({ state: 'unavailable', lastEventAt: options.now(), detail });
    },
    dropped(path, kept, count) {
      const { [path]: _previous, ...others } = dropped;
      dropped = count > 0 ? { ...others, [path]: { kept, dropped: count } } : others;
      setFreshness(freshness);
    },
  });

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function runOnce(): Promise<{ error: unknown; ranMs: number }> {
    const controller = new AbortController();
    current = controller;
    unavailable = false;
    lastActivityAt = options.now();
    const startedAt = options.now();
    const watchdog = setInterval(() => {
      if (unavailable || controller.signal.aborted) return;
      const silentMs = options.now() - lastActivityAt;
      if (silentMs > options.staleAfterMs())
        controller.abort(new StaleError(`no event for ${Math.round(silentMs / 1000)} s`));
    }, options.checkEveryMs ?? SERVER_DEFAULTS.watchCheckEveryMs);
    try {
      await options.session(controller.signal, report());
      return { error: controller.signal.reason ?? null, ranMs: options.now() - startedAt };
    } catch (error) {
      return { error: controller.signal.aborted ? controller.signal.reason : error, ranMs: options.now() - startedAt };
    } finally {
      clearInterval(watchdog);
      controller.abort();
      current = null;
    }
  }

  async function supervise(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      const { error, ranMs } = await runOnce();
      if (stopped) break;
      restarts += 1;
      if (ranMs >= SERVER_DEFAULTS.healthyRunMs) failures = 0;
      if (error instanceof StaleError) {
        staleRestarts += 1;
        lastError = error.message;
        options.logger.warn({ source: options.name, reason: error.message }, 'source silent: restarting its watch');
        // Silence may be a quiet cluster (every leader stopped renewing) or a dead watch: the relist
        // tells. Only if it does not come back promptly is the data called stale.
        const syncsBefore = syncs;
        const silentSince = freshness.lastEventAt;
        const timer = setTimeout(() => {
          if (!stopped && syncs === syncsBefore)
            setFreshness({ state: 'stale', lastEventAt: silentSince, detail: `${error.message}, restarting watch` });
        }, SERVER_DEFAULTS.staleGraceMs);
        timer.unref();
        continue;
      }
      if (error instanceof GoneError) {
        relists += 1;
        lastError = error.message;
        options.logger.info({ source: options.name }, 'watch expired (410 Gone): relisting');
        setFreshness({
          state: freshness.state === 'live' ? 'reconnecting' : freshness.state,
          lastEventAt: freshness.lastEventAt,
          detail: '410 Gone, relisting',
        });
        // A second 410 in a row is not the data moving on: back off as for any error.
        if (failures++ === 0) continue;
      } else {
        failures += 1;
        lastError = describeError(error);
        options.logger.warn({ source: options.name, error: lastError }, 'source failed: reconnecting');
        setFreshness({
          state: freshness.state === 'stale' ? 'stale' : 'reconnecting',
          lastEventAt: freshness.lastEventAt,
          detail: lastError,
        });
      }
      const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 20));
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = supervise();
    },
    async stop() {
      stopped = true;
      current?.abort();
      wake?.();
      await loop;
    },
    freshness: () => freshness,
    stats() {
      const lastEventAt = freshness.lastEventAt;
      return {
        clusterId: options.clusterId,
        source: options.name,
        state: freshness.state,
        restarts,
        relists,
        staleRestarts,
        lastEventAt,
        lastEventAgeMs: lastEventAt === null ? null : options.now() - lastEventAt,
        lastError,
      };
    },
  };
}
