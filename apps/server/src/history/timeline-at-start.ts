import type { TimelineEvent } from '@hawk/core';
import { SERVER_DEFAULTS } from '../defaults';
import type { HistoryRepository } from './history-repository';

/**
 * What the stored timeline held for a cluster when this process started: the window and event limit of /incidents,
 * up to the moment before the start, so nothing this process judges itself is in it.
 */
export interface TimelineAtStart {
  /** At most this many events a cluster: a read this long may have left the oldest out. */
  readonly limit: number;
  read(clusterId: string): Promise<readonly TimelineEvent[]>;
}

/** Long enough for every reader at start (the alert dispatcher as it is made, the replica as it starts). */
const KEPT_AFTER_READ_MS = 60_000;

/**
 * timelineAtStart reads each cluster's stored timeline once for everything that picks up from it (the replica's
 * carried-over findings, the dispatcher's open incidents): up to 50,000 events a cluster, read twice at every start
 * before. A read is kept for a minute after it settles, then dropped, so the start's events are not held for good.
 */
export function timelineAtStart(history: Pick<HistoryRepository, 'timeline'>, startedAt: number): TimelineAtStart {
  const until = startedAt - 1;
  const from = until - SERVER_DEFAULTS.incidentWindowMs;
  const limit = SERVER_DEFAULTS.incidentEventsLimit;
  const reads = new Map<string, Promise<readonly TimelineEvent[]>>();
  return {
    limit,
    read(clusterId) {
      const kept = reads.get(clusterId);
      if (kept) return kept;
      const read = history.timeline(clusterId, from, until, limit);
      reads.set(clusterId, read);
      const drop = () => setTimeout(() => reads.delete(clusterId), KEPT_AFTER_READ_MS).unref();
      read.then(drop, drop);
      return read;
    },
  };
}
