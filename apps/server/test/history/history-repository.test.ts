import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterState, TimelineEvent } from '@hawk/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryRepository } from '../../src/history/history-repository';
import { openSqliteHistory } from '../../src/history/sqlite-history';
import { clusterState, etcdMember, finding, T0 } from '../transport/support/cluster-state';

const dirs: string[] = [];
const repositories: HistoryRepository[] = [];
function open(snapshotEvery = 3, path?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hawk-history-'));
  dirs.push(dir);
  const repository = openSqliteHistory({ path: path ?? join(dir, 'history.db'), snapshotEvery });
  repositories.push(repository);
  return { repository, path: path ?? join(dir, 'history.db'), dir };
}
afterEach(async () => {
  await Promise.all(repositories.splice(0).map((repository) => repository.close()));
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** Ten distinct states of one cluster, one second apart. */
const states: ClusterState[] = Array.from({ length: 10 }, (_, index) => ({
  ...clusterState('lab'),
  observedAt: T0 + index * 1_000,
  findings: index % 2 === 0 ? [] : [finding(`f:${index}`, 'warning', T0 + index * 1_000)],
  etcd: { ...clusterState('lab').etcd, members: [etcdMember(1), etcdMember(2), etcdMember(3, index < 5)] },
}));

describe('SQLite history', () => {
  it('replays the full state at any past second from snapshots and patches', async () => {
    const { repository } = open(3);
    for (const state of states) await repository.appendState(state);
    expect(await repository.stateAt('lab', T0 - 1)).toBeUndefined();
    for (const state of states) {
      expect(await repository.stateAt('lab', state.observedAt)).toEqual(state);
      expect(await repository.stateAt('lab', state.observedAt + 999)).toEqual(state);
    }
    expect(await repository.stateAt('other', T0 + 5_000)).toBeUndefined();
  });

  it('serves a time range of the timeline, oldest first', async () => {
    const { repository } = open();
    const events: TimelineEvent[] = [3, 1, 2].map((n) => ({ kind: 'probe-recovered', clusterId: 'lab', at: T0 + n * 1_000, target: `t${n}` }));
    for (const event of events) await repository.appendTimeline(event);
    await repository.appendTimeline({ kind: 'probe-recovered', clusterId: 'other', at: T0 + 1_500, target: 'x' });
    expect((await repository.timeline('lab', T0 + 1_000, T0 + 2_000)).map((event) => event.at)).toEqual([T0 + 1_000, T0 + 2_000]);
    expect(await repository.timeline('lab', T0, T0 + 10_000, 1)).toHaveLength(1);
  });

  it('prunes old rows but keeps what replaying the kept window needs', async () => {
    const { repository } = open(3);
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
  });

  it('survives a restart: a new process starts with a full snapshot and replays across the boundary', async () => {
    const { repository, path } = open(100);
    for (const state of states.slice(0, 5)) await repository.appendState(state);
    await repository.close();
    const reopened = open(100, path).repository;
    for (const state of states.slice(5)) await reopened.appendState(state);
    for (const state of states) expect(await reopened.stateAt('lab', state.observedAt)).toEqual(state);
  });

  it('loses nothing committed when the backend is killed with SIGKILL', async () => {
    const { dir } = open();
    const path = join(dir, 'killed.db');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support/busy-hawk.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastReported = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`busy hawk exited early (${code})`)));
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = chunk.toString().trim().split('\n');
        lastReported = Number(lines.at(-1));
        // Kill mid-stream, well into a run of patches between snapshots.
        if (lastReported >= 150) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));

    const history = open(100, path).repository;
    const events = await history.timeline('lab', T0, T0 + 1_000_000, 10_000);
    // Every change the process reported was committed before it said so.
    expect(events.length).toBeGreaterThanOrEqual(lastReported);
    expect(events.map((event) => event.at)).toEqual(events.map((_, index) => T0 + (index + 1) * 1_000));
    const replayed = await history.stateAt('lab', T0 + lastReported * 1_000);
    expect(replayed?.findings.map((entry) => entry.id)).toEqual([`change:${lastReported}`]);
  });
});
