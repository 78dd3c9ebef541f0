import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryRepository } from '../../../src/history/history-repository';
import { openPostgresHistory } from '../../../src/history/postgres-history';
import { openSqliteHistory } from '../../../src/history/sqlite-history';
import { startPostgres, type RunningPostgres } from './postgres-server';

/** Opens the history at `store`: a postgres:// URL, else a SQLite file path (what app.ts decides from env). */
export async function openHistory(store: string, snapshotEvery?: number): Promise<HistoryRepository> {
  return /^postgres(ql)?:\/\//.test(store)
    ? openPostgresHistory({ url: store, snapshotEvery })
    : openSqliteHistory({ path: store, snapshotEvery });
}

/** One backend under the contract suite: where its stores live, set up once per file. */
export interface HistoryBackend {
  readonly name: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** A new, empty store: a SQLite file path or a PostgreSQL database URL. */
  newStore(): Promise<string>;
}

function sqliteBackend(): HistoryBackend {
  const dirs: string[] = [];
  return {
    name: 'SQLite',
    async setUp() {},
    async tearDown() {
      dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
    },
    async newStore() {
      const dir = mkdtempSync(join(tmpdir(), 'hawk-history-'));
      dirs.push(dir);
      return join(dir, 'history.db');
    },
  };
}

function postgresBackend(): HistoryBackend {
  let server: RunningPostgres | undefined;
  return {
    name: 'PostgreSQL',
    async setUp() {
      server = await startPostgres();
    },
    async tearDown() {
      await server?.stop();
    },
    async newStore() {
      if (!server) throw new Error('PostgreSQL backend used before setUp');
      return server.createDatabase();
    },
  };
}

export const historyBackends: readonly HistoryBackend[] = [sqliteBackend(), postgresBackend()];
