import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { applyPatch, type ClusterState, type StatePatch, type TimelineEvent } from '@hawk/core';
import { SERVER_DEFAULTS } from '../defaults';
import type { HistoryRepository } from './history-repository';
import { historySchema, nextStateRow, type ChainTail } from './history-rows';

export interface SqliteHistoryOptions {
  /** File path, or ':memory:'. Its directory is created. */
  readonly path: string;
  /** A full snapshot every this many changes of a cluster (default SERVER_DEFAULTS.historySnapshotEvery). */
  readonly snapshotEvery?: number;
}

const SCHEMA = historySchema({
  prefix: '',
  rowId: 'INTEGER PRIMARY KEY',
  epochMs: 'INTEGER',
  fullColumn: 'full',
  boolean: 'INTEGER',
  json: 'TEXT',
});

/** The file (its directory made), in WAL with synchronous=FULL, and the schema. */
function openDatabase(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec(`PRAGMA busy_timeout = ${SERVER_DEFAULTS.sqliteBusyTimeoutMs};`);
  db.exec(SCHEMA);
  return db;
}

/** Every statement the repository runs, prepared once. */
function statements(db: DatabaseSync) {
  return {
    insertEvent: db.prepare('INSERT INTO timeline (cluster_id, at, kind, body) VALUES (?, ?, ?, ?)'),
    insertState: db.prepare('INSERT INTO states (cluster_id, at, full, body) VALUES (?, ?, ?, ?)'),
    selectEvents: db.prepare(
      'SELECT body FROM timeline WHERE cluster_id = ? AND at BETWEEN ? AND ? ORDER BY at, id LIMIT ?',
    ),
    selectBase: db.prepare(
      'SELECT id, body FROM states WHERE cluster_id = ? AND full = 1 AND at <= ? ORDER BY id DESC LIMIT 1',
    ),
    selectPatches: db.prepare('SELECT body FROM states WHERE cluster_id = ? AND id > ? AND at <= ? ORDER BY id'),
    selectPruneFloor: db.prepare(
      'SELECT cluster_id, MAX(id) AS id FROM states WHERE full = 1 AND at <= ? GROUP BY cluster_id',
    ),
    deleteStatesBelow: db.prepare('DELETE FROM states WHERE cluster_id = ? AND id < ?'),
    deleteEventsBefore: db.prepare('DELETE FROM timeline WHERE at < ?'),
  };
}

/**
 * History in an embedded SQLite file (node:sqlite), nothing to install.
 *
 * Durability: WAL with synchronous=FULL. Every commit is appended to the WAL before its promise
 * resolves, so a kill -9 loses nothing committed (NORMAL would already give that); FULL also
 * fsyncs the WAL on each commit, so an OS crash or power loss does not roll back the last
 * transitions either. Group commit keeps that to one fsync per event-loop turn, whatever the rate.
 */
export function openSqliteHistory(options: SqliteHistoryOptions): HistoryRepository {
  const snapshotEvery = options.snapshotEvery ?? SERVER_DEFAULTS.historySnapshotEvery;
  const db = openDatabase(options.path);
  const sql = statements(db);

  // What the last row of each cluster holds, to store only the changed parts next time. A fresh
  // process starts every cluster with a full snapshot, so no row depends on memory lost in a crash.
  const written = new Map<string, ChainTail>();

  // Group commit: writes queued in one turn of the event loop share one transaction (one fsync),
  // run after the turn's socket writes, so persisting never delays a push. Each write's promise
  // resolves once its transaction is committed.
  let queue: { write: () => void; clusterId: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    if (batch.length === 0 || !db.isOpen) return;
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const entry of batch) entry.write();
      db.exec('COMMIT');
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      // The patch chain may now miss a row: start those clusters again from a full snapshot.
      for (const entry of batch) written.delete(entry.clusterId);
      for (const entry of batch) entry.reject(error);
    }
  };
  const enqueue = (clusterId: string, write: () => void) =>
    new Promise<void>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ write, clusterId, resolve, reject });
    });

  return {
    appendTimeline(event) {
      const body = JSON.stringify(event);
      return enqueue(event.clusterId, () => sql.insertEvent.run(event.clusterId, event.at, event.kind, body));
    },
    async appendState(state) {
      const clusterId = state.identity.id;
      const row = nextStateRow(written.get(clusterId), state, snapshotEvery);
      if (!row) return;
      written.set(clusterId, row.tail);
      return enqueue(clusterId, () => sql.insertState.run(clusterId, row.at, row.full ? 1 : 0, row.body));
    },
    async timeline(clusterId, from, to, limit = SERVER_DEFAULTS.historyTimelineLimit) {
      flush(); // read your writes
      return sql.selectEvents
        .all(clusterId, from, to, limit)
        .map((row) => JSON.parse(String(row.body)) as TimelineEvent);
    },
    async stateAt(clusterId, t) {
      flush();
      const base = sql.selectBase.get(clusterId, t);
      if (!base) return undefined;
      let state = JSON.parse(String(base.body)) as ClusterState;
      for (const row of sql.selectPatches.all(clusterId, base.id as number, t)) {
        state = applyPatch(state, JSON.parse(String(row.body)) as StatePatch);
      }
      return state;
    },
    async prune(before) {
      flush();
      db.exec('BEGIN IMMEDIATE');
      try {
        let states = 0;
        // Rows before each cluster's last full snapshot at the cut are no longer needed by any replay.
        for (const floor of sql.selectPruneFloor.all(before)) {
          states += Number(sql.deleteStatesBelow.run(floor.cluster_id as string, floor.id as number).changes);
        }
        const timeline = Number(sql.deleteEventsBefore.run(before).changes);
        db.exec('COMMIT');
        return { timeline, states };
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    async close() {
      flush();
      if (db.isOpen) db.close();
    },
  };
}
