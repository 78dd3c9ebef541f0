import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ClusterState, TimelineEvent } from '@hawk/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRepository } from '../../src/history/history-repository';
import { createApp } from '../../src/app';
import { EnvError, loadEnv } from '../../src/env';
import { openPostgresHistory } from '../../src/history/postgres-history';
import { judgedLab, T0 } from '@hawk/testkit/cluster-state';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { historyBackends, openHistory } from './support/history-backends';

/** Ten distinct states of one cluster as core judges it, one second apart from T0; etcd member 3 stops at the sixth. */
const lab = judgedLab('lab');
const states: ClusterState[] = Array.from({ length: 10 }, (_, index) => {
  if (index === 0) return lab.state;
  if (index === 5) lab.cluster.stopEtcdMember(3);
  return lab.advance(1_000).state;
});

const repositories: HistoryRepository[] = [];
async function open(store: string, snapshotEvery = 3) {
  const repository = await openHistory(store, snapshotEvery);
  repositories.push(repository);
  return repository;
}
afterEach(async () => {
  await Promise.all(repositories.splice(0).map((repository) => repository.close().catch(() => undefined)));
});

/** How long the busy hawk may take to start and report its commits: a deadline that says where it got to. */
const BUSY_HAWK_DEADLINE_MS = 90_000;

/** Runs test/history/support/busy-hawk.ts on `store` and kills it with SIGKILL once it reported `atLeast` commits. */
async function killBusyHawk(store: string, atLeast: number): Promise<number> {
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/busy-hawk.ts'), store], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: BUSY_HAWK_DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  let lastReported = 0;
  let firstReportAt: number | null = null;
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      reject(
        new Error(
          `busy hawk exited (${code ?? signal}) after ${Date.now() - startedAt} ms having reported ${lastReported} ` +
            `of ${atLeast} commits (first report ${firstReportAt === null ? 'never' : `at ${firstReportAt} ms`})`,
        ),
      ),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      lastReported = Number(lines.at(-1));
      firstReportAt ??= Date.now() - startedAt;
      // Kill mid-stream, well into a run of patches between snapshots.
      if (lastReported >= atLeast) {
        child.removeAllListeners('exit');
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return lastReported;
}

describe.each(historyBackends)('$name history', (backend) => {
  beforeAll(() => backend.setUp(), 60_000);
  afterAll(() => backend.tearDown());

  it('replays the full state at any past second from snapshots and patches', async () => {
    const repository = await open(await backend.newStore(), 3);
    for (const state of states) await repository.appendState(state);
    expect(await repository.stateAt('lab', T0 - 1)).toBeUndefined();
    for (const state of states) {
      expect(await repository.stateAt('lab', state.observedAt)).toEqual(state);
      expect(await repository.stateAt('lab', state.observedAt + 999)).toEqual(state);
    }
    expect(await repository.stateAt('other', T0 + 5_000)).toBeUndefined();
  });

  it('replays changes written in one turn of the event loop (one group commit)', async () => {
    const repository = await open(await backend.newStore(), 3);
    await Promise.all(states.map((state) => repository.appendState(state)));
    for (const state of states) expect(await repository.stateAt('lab', state.observedAt)).toEqual(state);
  });

  it('serves a time range of the timeline, oldest first', async () => {
    const repository = await open(await backend.newStore());
    const events: TimelineEvent[] = [3, 1, 2].map((n) => ({
      kind: 'probe-recovered',
      clusterId: 'lab',
      at: T0 + n * 1_000,
      target: `t${n}`,
    }));
    for (const event of events) await repository.appendTimeline(event);
    await repository.appendTimeline({ kind: 'probe-recovered', clusterId: 'other', at: T0 + 1_500, target: 'x' });
    expect((await repository.timeline('lab', T0 + 1_000, T0 + 2_000)).map((event) => event.at)).toEqual([
      T0 + 1_000,
      T0 + 2_000,
    ]);
    expect(await repository.timeline('lab', T0, T0 + 10_000, 1)).toHaveLength(1);
    expect(await repository.timeline('lab', T0 + 3_000, T0 + 3_000)).toEqual([events[0]]);
  });

  it('prunes old rows but keeps what replaying the kept window needs', async () => {
    const repository = await open(await backend.newStore(), 3);
    for (const state of states) await repository.appendState(state);
    await repository.appendTimeline({ kind: 'probe-recovered', clusterId: 'lab', at: T0, target: 'old' });
    await repository.appendTimeline({ kind: 'probe-recovered', clusterId: 'lab', at: T0 + 8_000, target: 'new' });
    const cut = T0 + 7_500;
    const pruned = await repository.prune(cut);
    expect(pruned.timeline).toBe(1);
    expect(pruned.states).toBeGreaterThan(0);
    for (const state of states.filter((candidate) => candidate.observedAt >= cut - 1_000)) {
      expect(await repository.stateAt('lab', state.observedAt)).toEqual(state);
    }
    expect(await repository.prune(cut)).toEqual({ timeline: 0, states: 0 });
  });

  it('survives a restart: a new process starts with a full snapshot and replays across the boundary', async () => {
    const store = await backend.newStore();
    const repository = await open(store, 100);
    for (const state of states.slice(0, 5)) await repository.appendState(state);
    await repository.close();
    const reopened = await open(store, 100);
    for (const state of states.slice(5)) await reopened.appendState(state);
    for (const state of states) expect(await reopened.stateAt('lab', state.observedAt)).toEqual(state);
  });

  it(
    'loses nothing committed when the backend is killed with SIGKILL',
    async () => {
      // Each step's time, printed as it passes: two clean-clone runs timed out here at the test's own deadline (not
      // the busy hawk's, which names its progress), and this says which step they were in.
      const startedAt = Date.now();
      const step = (name: string) => console.log(`[sigkill ${backend.name}] ${name} at ${Date.now() - startedAt} ms`);
      const store = await backend.newStore();
      step('store made; busy hawk spawning');
      const lastReported = await killBusyHawk(store, 150);
      step(`busy hawk killed after reporting ${lastReported}; reopening`);
      const history = await open(store, 100);
      const events = await history.timeline('lab', T0, T0 + 1_000_000, 10_000);
      step(`reopened, ${events.length} events read`);
      // Every change the process reported was committed before it said so.
      expect(events.length).toBeGreaterThanOrEqual(lastReported);
      expect(events.map((event) => event.at)).toEqual(events.map((_, index) => T0 + (index + 1) * 1_000));
      const replayed = await history.stateAt('lab', T0 + lastReported * 1_000);
      expect(replayed?.observedAt).toBe(T0 + lastReported * 1_000);
    },
    BUSY_HAWK_DEADLINE_MS + 30_000,
  );
});

describe('PostgreSQL history shared by replicas', () => {
  const postgres = historyBackends.find((backend) => backend.name === 'PostgreSQL')!;
  beforeAll(() => postgres.setUp(), 60_000);
  afterAll(() => postgres.tearDown());

  it('keeps one replayable chain when leadership moves back and forth between two writers', async () => {
    const store = await postgres.newStore();
    const [a, b] = await Promise.all([open(store, 100), open(store, 100)]);
    // a leads, b takes over, then a again: a's memory of its last row is stale by then.
    for (const state of states.slice(0, 4)) await a.appendState(state);
    for (const state of states.slice(4, 7)) await b.appendState(state);
    for (const state of states.slice(7)) await a.appendState(state);
    for (const reader of [a, b]) {
      for (const state of states) expect(await reader.stateAt('lab', state.observedAt)).toEqual(state);
    }
  });

  it('keeps times non-decreasing when the next writer’s clock is behind', async () => {
    const store = await postgres.newStore();
    const [a, b] = await Promise.all([open(store, 100), open(store, 100)]);
    await a.appendState(states[5]!);
    await b.appendState({ ...states[6]!, observedAt: states[4]!.observedAt });
    expect(await a.stateAt('lab', states[5]!.observedAt)).toEqual({ ...states[6]!, observedAt: states[4]!.observedAt });
  });

  it('fails naming the unreachable database, without its password', async () => {
    const url = 'postgres://hawk:s3cret-pw@127.0.0.1:1/hawk_history';
    const failure = await openPostgresHistory({ url, connectTimeoutMs: 2_000 }).catch(
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /cannot use PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/hawk_history: .*ECONNREFUSED/,
    );
    expect((failure as Error).message).not.toContain('s3cret');
  });

  it('HAWK_DATABASE_URL: hawk refuses to boot on an unreachable database, naming it without the password', async () => {
    const env = loadEnv({
      HAWK_DATABASE_URL: 'postgresql://hawk:s3cret-pw@127.0.0.1:1/hawk_history',
      HAWK_LOG_LEVEL: 'silent',
    });
    const failure = await createApp({ env, hub: createMemoryHub() }).catch((error: unknown) => error as Error);
    expect((failure as Error).message).toMatch(/postgres:\/\/127\.0\.0\.1:1\/hawk_history/);
    expect((failure as Error).message).not.toContain('s3cret');
    // A URL of another scheme is refused by the schema, its value not echoed.
    expect(() => loadEnv({ HAWK_DATABASE_URL: 'mysql://hawk:s3cret-pw@db/hawk' })).toThrow(EnvError);
    expect(() => loadEnv({ HAWK_DATABASE_URL: 'mysql://hawk:s3cret-pw@db/hawk' })).not.toThrow(/s3cret/);
  });
});
