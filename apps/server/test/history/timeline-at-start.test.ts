import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { clusterState, killedLeaderTimeline, shiftedTimeline } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { createApp } from '../../src/app';
import { SERVER_DEFAULTS } from '../../src/defaults';
import { loadEnv } from '../../src/env';
import type { HistoryRepository } from '../../src/history/history-repository';
import { openSqliteHistory } from '../../src/history/sqlite-history';
import { timelineAtStart } from '../../src/history/timeline-at-start';

const dir = mkdtempSync(join(tmpdir(), 'hawk-timeline-at-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** A SQLite history that counts its timeline reads per cluster. */
function countingHistory(file: string) {
  const history = openSqliteHistory({ path: join(dir, file) });
  const reads: string[] = [];
  const counted: HistoryRepository = {
    appendTimeline: (event) => history.appendTimeline(event),
    appendState: (state) => history.appendState(state),
    timeline: (clusterId, from, to, limit) => {
      reads.push(clusterId);
      return history.timeline(clusterId, from, to, limit);
    },
    stateAt: (clusterId, t) => history.stateAt(clusterId, t),
    prune: (before) => history.prune(before),
    close: () => history.close(),
  };
  return { history: counted, reads };
}

describe('the stored timeline at start', () => {
  it('reads a cluster once for every reader, the window and limit of /incidents, up to just before the start', async () => {
    vi.useFakeTimers();
    const timeline = vi.fn(async () => killedLeaderTimeline());
    const startedAt = Date.now();
    const atStart = timelineAtStart({ timeline }, startedAt);
    const [first, second] = await Promise.all([atStart.read('lab'), atStart.read('lab')]);
    expect(second).toBe(first);
    expect(timeline).toHaveBeenCalledTimes(1);
    expect(timeline).toHaveBeenCalledWith(
      'lab',
      startedAt - 1 - SERVER_DEFAULTS.incidentWindowMs,
      startedAt - 1,
      SERVER_DEFAULTS.incidentEventsLimit,
    );
    // Not held for good: a minute after it settled, a reader asking again reads again.
    await vi.advanceTimersByTimeAsync(60_000);
    await atStart.read('lab');
    expect(timeline).toHaveBeenCalledTimes(2);
  });

  it('a started app reads each cluster once, for the replica and the alert dispatcher alike', async () => {
    const { history, reads } = countingHistory('app.db');
    // Scenario 2's incident up to the leader going overdue, a minute ago: a finding left open by a stopped hawk.
    const events = killedLeaderTimeline();
    const overdueAt = events.find((e) => e.kind === 'finding-opened')!.at;
    const leftOpen = events.filter((e) => e.at <= overdueAt);
    for (const event of shiftedTimeline(leftOpen, Date.now() - 60_000 - overdueAt)) await history.appendTimeline(event);
    const hub = createMemoryHub([clusterState('lab'), clusterState('other')]);
    const app = await createApp({
      env: loadEnv({
        HAWK_LOG_LEVEL: 'silent',
        HAWK_TOKEN: 'a-token-long-enough-for-the-env-check-0123456789',
        // Never reached: nothing fires here; it makes the dispatcher, the second reader at start.
        HAWK_ALERTMANAGER_URL: 'http://127.0.0.1:9/',
      }),
      hub,
      history,
    });
    await app.ready();
    // The replica's read runs beside the start: wait until it handed what was left open to the hub.
    await vi.waitFor(() => expect(hub.carriedOver.get('lab')?.length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(reads.sort()).toEqual(['lab', 'other']);
    await app.close();
  });
});
