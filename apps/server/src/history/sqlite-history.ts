import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { applyPatch, diffStates, type ClusterState, type TimelineEvent } from '@hawk/core';
import type { HistoryRepository } from './history-repository';

export interface SqliteHistoryOptions {
  /** File path, or ':memory:'. Its directory is created. */
  readonly path: string;
  /** A full snapshot every this many changes of a cluster (default 100); the rows between hold only changed parts. */
  readonly snapshotEvery?: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS timeline (
    id INTEGER PRIMARY KEY, cluster_id TEXT NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS timeline_by_cluster_time ON timeline (cluster_id, at);
  CREATE TABLE IF NOT EXISTS states (
    id INTEGER PRIMARY KEY, cluster_id TEXT NOT NULL, at INTEGER NOT NULL, full INTEGER NOT NULL, body TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS states_by_cluster_time ON states (cluster_id, at);
`;

/**
 * History in an embedded SQLite file (node:sqlite), nothing to install.
 *
 * Durability: WAL with synchronous=FULL. Every commit is appended to the WAL before the call
 * returns, so a kill -9 loses nothing committed (NORMAL would already give that); FULL also
 * fsyncs the WAL on each commit, so an OS crash or power loss does not roll back the last
 * transitions either. At hawk's write rate (state changes, not a timer) the fsync is cheap.
 */
export function openSqliteHistory(options: SqliteHistoryOptions): HistoryRepository {
  const snapshotEvery = options.snapshotEvery ?? 100;
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new DatabaseSync(options.path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
  db.exec(SCHEMA);

  const insertEvent = db.prepare('INSERT INTO timeline (cluster_id, at, kind, body) VALUES (?, ?, ?, ?)');
  const insertState = db.prepare('INSERT INTO states (cluster_id, at, full, body) VALUES (?, ?, ?, ?)');
  const selectEvents = db.prepare('SELECT body FROM timeline WHERE cluster_id = ? AND at BETWEEN ? AND ? ORDER BY at, id LIMIT ?');
  const selectBase = db.prepare('SELECT id, body FROM states WHERE cluster_id = ? AND full = 1 AND at <= ? ORDER BY id DESC LIMIT 1');
  const selectPatches = db.prepare('SELECT body FROM states WHERE cluster_id = ? AND id > ? AND at <= ? ORDER BY id');
  const selectPruneFloor = db.prepare('SELECT cluster_id, MAX(id) AS id FROM states WHERE full = 1 AND at <= ? GROUP BY cluster_id');
  const deleteStatesBelow = db.prepare('DELETE FROM states WHERE cluster_id = ? AND id < ?');
  const deleteEventsBefore = db.prepare('DELETE FROM timeline WHERE at < ?');

  // What the last row of each cluster holds, to store only the changed parts next time. A fresh
  // process starts every cluster with a full snapshot, so no row depends on memory lost in a crash.
  const written = new Map<string, { state: ClusterState; at: number; sinceFull: number }>();

  return {
    async appendTimeline(event) {
      insertEvent.run(event.clusterId, event.at, event.kind, JSON.stringify(event));
    },
    async appendState(state) {
      const clusterId = state.identity.id;
      const previous = written.get(clusterId);
      // Times kept non-decreasing per cluster, so "every row up to t" is a prefix of the rows.
      const at = Math.max(state.observedAt, previous?.at ?? 0);
      if (!previous || previous.sinceFull + 1 >= snapshotEvery) {
        insertState.run(clusterId, at, 1, JSON.stringify(state));
        written.set(clusterId, { state, at, sinceFull: 0 });
        return;
      }
      const parts = diffStates(previous.state, state);
      if (Object.keys(parts).length === 0) return;
      insertState.run(clusterId, at, 0, JSON.stringify(parts));
      written.set(clusterId, { state, at, sinceFull: previous.sinceFull + 1 });
    },
    async timeline(clusterId, from, to, limit = 1000) {
      return selectEvents.all(clusterId, from, to, limit).map((row) => JSON.parse(String(row.body)) as TimelineEvent);
    },
    async stateAt(clusterId, t) {
      const base = selectBase.get(clusterId, t);
      if (!base) return undefined;
      let state = JSON.parse(String(base.body)) as ClusterState;
      for (const row of selectPatches.all(clusterId, base.id as number, t)) {
        state = applyPatch(state, JSON.parse(String(row.body)) as Partial<ClusterState>);
      }
      return state;
    },
    async prune(before) {
      db.exec('BEGIN IMMEDIATE');
      try {
        let states = 0;
        // Rows before each cluster's last full snapshot at the cut are no longer needed by any replay.
        for (const floor of selectPruneFloor.all(before)) {
          states += Number(deleteStatesBelow.run(floor.cluster_id as string, floor.id as number).changes);
        }
        const timeline = Number(deleteEventsBefore.run(before).changes);
        db.exec('COMMIT');
        return { timeline, states };
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      if (db.isOpen) db.close();
    },
  };
}
