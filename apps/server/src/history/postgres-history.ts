import { applyPatch, type ClusterState, type StatePatch, type TimelineEvent } from '@hawk/core';
import pg from 'pg';
import { SERVER_DEFAULTS } from '../defaults';
import type { Logger } from '../logger';
import type { HistoryRepository } from './history-repository';
import { historySchema, nextStateRow, type ChainTail } from './history-rows';

export interface PostgresHistoryOptions {
  /** postgres:// URL (HAWK_DATABASE_URL); it may carry a password, so it is never echoed. */
  readonly url: string;
  /** A full snapshot every this many changes of a cluster (default SERVER_DEFAULTS.historySnapshotEvery). */
  readonly snapshotEvery?: number;
  /** Connections in the pool (default SERVER_DEFAULTS.postgresMaxConnections). */
  readonly maxConnections?: number;
  /** How long to wait for a connection before failing (ms, default SERVER_DEFAULTS.postgresConnectTimeoutMs). */
  readonly connectTimeoutMs?: number;
  /** Told about a pooled connection that broke while idle (the next query reconnects). */
  readonly log?: Pick<Logger, 'warn'>;
}

// The SQLite model in tables prefixed hawk_, since a shared database may hold others. Bodies are `json`, not
// `jsonb`: the exact text is kept and a "\u0000" in some probe's error message cannot make a write fail.
const SCHEMA = historySchema({
  prefix: 'hawk_',
  rowId: 'BIGSERIAL PRIMARY KEY',
  epochMs: 'BIGINT',
  fullColumn: 'is_full',
  boolean: 'BOOLEAN',
  json: 'JSON',
});

/** Advisory lock key taken by every transaction that writes history (and by schema creation). */
const WRITE_LOCK = "hashtext('hawk history')";

// Each write transaction: synchronous_commit forced on (whatever the server's default), so a
// resolved promise means the commit is flushed to the WAL on the database's disk; and the write
// lock, so that two replicas writing during a leadership hand-over still produce one ordered chain.
const BEGIN_WRITE = `BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_advisory_xact_lock(${WRITE_LOCK});`;

// The last row of each cluster, which the next row's patch must be relative to.
const SELECT_TAILS = `
  SELECT c.cluster_id, s.id, s.at FROM unnest($1::text[]) AS c(cluster_id)
  CROSS JOIN LATERAL (
    SELECT id, at FROM hawk_states WHERE cluster_id = c.cluster_id ORDER BY at DESC, id DESC LIMIT 1) s`;
// Rows are numbered in the order given, so ids follow the order the changes happened in.
const INSERT_STATES = `
  INSERT INTO hawk_states (cluster_id, at, is_full, body)
  SELECT cluster_id, at, is_full, body
  FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::json[])
    WITH ORDINALITY AS r(cluster_id, at, is_full, body, n)
  ORDER BY n RETURNING id, cluster_id`;
const INSERT_EVENTS = `
  INSERT INTO hawk_timeline (cluster_id, at, kind, body)
  SELECT cluster_id, at, kind, body
  FROM unnest($1::text[], $2::bigint[], $3::text[], $4::json[]) WITH ORDINALITY AS r(cluster_id, at, kind, body, n)
  ORDER BY n`;
const SELECT_EVENTS =
  'SELECT body FROM hawk_timeline WHERE cluster_id = $1 AND at BETWEEN $2 AND $3 ORDER BY at, id LIMIT $4';
const SELECT_BASE =
  'SELECT id, at, body FROM hawk_states WHERE cluster_id = $1 AND is_full AND at <= $2 ' +
  'ORDER BY at DESC, id DESC LIMIT 1';
const SELECT_PATCHES =
  'SELECT body FROM hawk_states WHERE cluster_id = $1 AND at BETWEEN $2 AND $3 AND id > $4 ORDER BY at, id';
// Rows before each cluster's last full snapshot at the cut are no longer needed by any replay.
const DELETE_STATES = `
  WITH floors AS (SELECT cluster_id, MAX(id) AS id FROM hawk_states WHERE is_full AND at <= $1 GROUP BY cluster_id)
  DELETE FROM hawk_states s USING floors f WHERE s.cluster_id = f.cluster_id AND s.id < f.id`;
const DELETE_EVENTS = 'DELETE FROM hawk_timeline WHERE at < $1';

type Write =
  { readonly kind: 'event'; readonly event: TimelineEvent } | { readonly kind: 'state'; readonly state: ClusterState };
type Entry = Write & { readonly resolve: () => void; readonly reject: (error: unknown) => void };

/** What this process last wrote for a cluster: the next row may be a patch on it while it is still the tail. */
interface Written extends ChainTail {
  readonly id: number;
}

/** Where the database is, for messages: host, port and database name, never the user or password. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the database at HAWK_DATABASE_URL (not a valid URL)';
  }
}

function reason(error: unknown): string {
  // A host with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError whose message is empty.
  if (error instanceof AggregateError) return [...new Set(error.errors.map(reason))].join('; ');
  const { message, code } = error as { message?: string; code?: string };
  return message || code || String(error);
}

/**
 * createSchema reaches the database and creates the schema, one replica at a time: concurrent CREATE TABLE IF NOT
 * EXISTS may otherwise collide in the catalog. It fails naming the database, and ends the pool, when it cannot.
 */
async function createSchema(pool: pg.Pool, where: string): Promise<void> {
  try {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK}); ${SCHEMA} COMMIT;`);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`history: cannot use PostgreSQL at ${where}: ${reason(error)}`, { cause: error });
  }
}

/**
 * writeEntries writes one batch in one transaction: each cluster's states as a full snapshot or a patch on this
 * process's own last row, and the timeline events; every entry's promise settles with the commit.
 */
async function writeEntries(
  pool: pg.Pool,
  written: Map<string, Written>,
  snapshotEvery: number,
  batch: readonly Entry[],
): Promise<void> {
  const client = await pool.connect().catch((error: unknown) => error as Error);
  if (client instanceof Error) {
    for (const entry of batch) entry.reject(client);
    return;
  }
  const states = batch.filter((entry) => entry.kind === 'state');
  const events = batch.filter((entry) => entry.kind === 'event');
  const clusterIds = [...new Set(states.map((entry) => entry.state.identity.id))];
  const after = new Map<string, Written>();
  try {
    await client.query(BEGIN_WRITE);
    // A patch is written only on this process's own last row: another replica may have written since.
    const tails = new Map<string, { id: number; at: number }>();
    if (clusterIds.length > 0) {
      for (const row of (await client.query(SELECT_TAILS, [clusterIds])).rows)
        tails.set(row.cluster_id, { id: Number(row.id), at: Number(row.at) });
    }
    const rows: { clusterId: string; at: number; full: boolean; body: string }[] = [];
    const chain = new Map<string, ChainTail | undefined>();
    for (const id of clusterIds) chain.set(id, written.get(id)?.id === tails.get(id)?.id ? written.get(id) : undefined);
    for (const { state } of states) {
      const clusterId = state.identity.id;
      const row = nextStateRow(chain.get(clusterId), state, snapshotEvery, tails.get(clusterId)?.at);
      if (!row) continue;
      rows.push({ clusterId, at: row.at, full: row.full, body: row.body });
      chain.set(clusterId, row.tail);
    }
    if (rows.length > 0) {
      const inserted = await client.query(INSERT_STATES, [
        rows.map((row) => row.clusterId),
        rows.map((row) => row.at),
        rows.map((row) => row.full),
        rows.map((row) => row.body),
      ]);
      const lastIds = new Map<string, number>();
      for (const row of inserted.rows)
        lastIds.set(row.cluster_id, Math.max(Number(row.id), lastIds.get(row.cluster_id) ?? 0));
      for (const [clusterId, id] of lastIds) after.set(clusterId, { ...chain.get(clusterId)!, id });
    }
    if (events.length > 0) {
      const list = events.map((entry) => entry.event);
      await client.query(INSERT_EVENTS, [
        list.map((event) => event.clusterId),
        list.map((event) => event.at),
        list.map((event) => event.kind),
        list.map((event) => JSON.stringify(event)),
      ]);
    }
    await client.query('COMMIT');
    for (const [clusterId, entry] of after) written.set(clusterId, entry);
    for (const entry of batch) entry.resolve();
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A connection that failed mid-transaction is not given back for reuse.
    client.release(error as Error);
    for (const id of clusterIds) written.delete(id);
    for (const entry of batch) entry.reject(error);
  }
}

/**
 * History in PostgreSQL, shared by several replicas: the elected leader writes, every replica reads.
 * Opening creates the schema if missing and fails, naming the database, when it cannot be reached.
 *
 * Durability: a write's promise resolves once its transaction is committed with synchronous_commit
 * on, so neither a kill -9 of hawk nor a crash of the database loses it. Writes queued in one turn of
 * the event loop share one transaction (group commit), run after the turn's socket writes.
 */
export async function openPostgresHistory(options: PostgresHistoryOptions): Promise<HistoryRepository> {
  const snapshotEvery = options.snapshotEvery ?? SERVER_DEFAULTS.historySnapshotEvery;
  const where = describeDatabase(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? SERVER_DEFAULTS.postgresMaxConnections,
    connectionTimeoutMillis: options.connectTimeoutMs ?? SERVER_DEFAULTS.postgresConnectTimeoutMs,
    application_name: 'hawk',
  });
  // Without a listener, a connection dropped while idle (database restarted) would crash the process.
  pool.on('error', (error) =>
    options.log?.warn({ err: { message: reason(error) } }, `history: idle connection to ${where} lost`),
  );

  // 1. Reach the database and create the schema.
  await createSchema(pool, where);

  // 2. Group commit: one batch at a time, in order, each in one transaction.
  const written = new Map<string, Written>();
  let queue: Entry[] = [];
  let writing: Promise<void> = Promise.resolve();
  const writeBatch = (batch: readonly Entry[]) => writeEntries(pool, written, snapshotEvery, batch);

  /** Sends what is queued; resolves once everything written so far is committed (or failed). */
  const flush = () => {
    const batch = queue;
    queue = [];
    if (batch.length > 0) writing = writing.then(() => writeBatch(batch));
    return writing;
  };
  const enqueue = (write: Write) =>
    new Promise<void>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ ...write, resolve, reject });
    });

  return {
    appendTimeline: (event) => enqueue({ kind: 'event', event }),
    appendState: (state) => enqueue({ kind: 'state', state }),
    async timeline(clusterId, from, to, limit = SERVER_DEFAULTS.historyTimelineLimit) {
      await flush(); // read your writes
      const result = await pool.query(SELECT_EVENTS, [clusterId, from, to, limit]);
      return result.rows.map((row) => row.body as TimelineEvent);
    },
    async stateAt(clusterId, t) {
      await flush();
      const base = (await pool.query(SELECT_BASE, [clusterId, t])).rows[0];
      if (!base) return undefined;
      let state = base.body as ClusterState;
      for (const row of (await pool.query(SELECT_PATCHES, [clusterId, base.at, t, base.id])).rows) {
        state = applyPatch(state, row.body as StatePatch);
      }
      return state;
    },
    async prune(before) {
      await flush();
      const client = await pool.connect();
      try {
        await client.query(BEGIN_WRITE);
        const states = (await client.query(DELETE_STATES, [before])).rowCount ?? 0;
        const timeline = (await client.query(DELETE_EVENTS, [before])).rowCount ?? 0;
        await client.query('COMMIT');
        client.release();
        return { timeline, states };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(error as Error);
        throw error;
      }
    },
    async close() {
      await flush();
      await pool.end();
    },
  };
}
