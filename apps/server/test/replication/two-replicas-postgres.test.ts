/**
 * Two real hawk replicas electing on Redis and sharing one PostgreSQL history. Both observe the same
 * cluster; only the leader writes the shared history, so each event is there once. While nobody can
 * reach the lock, nobody can be known to lead, and every replica writes: the incident must reach
 * history during exactly the outage someone will replay.
 */
import type { TimelineEvent } from '@hawk/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type RunningPostgres } from '../history/support/postgres-server';
import { pause } from '@hawk/testkit/hawk-server';
import { startRedis, type RunningRedis } from '@hawk/testkit/redis-server';
import { changed, oneLeader, readiness, startReplica, steadyLeader, T0, type TestReplica } from './support/replicas';

const failed: TimelineEvent = {
  kind: 'probe-failed',
  clusterId: 'lab',
  at: T0 + 1_000,
  target: 'etcd-3',
  error: 'refused',
};
const recovered: TimelineEvent = { kind: 'probe-recovered', clusterId: 'lab', at: T0 + 2_000, target: 'etcd-3' };
const failedAgain: TimelineEvent = {
  kind: 'probe-failed',
  clusterId: 'lab',
  at: T0 + 3_000,
  target: 'etcd-2',
  error: 'refused',
};
const recoveredAgain: TimelineEvent = { kind: 'probe-recovered', clusterId: 'lab', at: T0 + 4_000, target: 'etcd-2' };

const get = async <T>(replica: TestReplica, path: string) =>
  (await fetch(`${replica.hawk.url}${path}`)).json() as Promise<T>;
const timelineOf = async (replica: TestReplica) =>
  (await get<{ events: TimelineEvent[] }>(replica, `/api/clusters/lab/timeline?from=${T0}&to=${T0 + 10_000}`)).events;
const verdictAt = async (replica: TestReplica, t: number) =>
  (await get<{ state?: { verdict: string } }>(replica, `/api/clusters/lab/state-at?t=${t}`)).state?.verdict;
const label = (event: TimelineEvent) => `${event.kind}@${event.at - T0}`;

describe('two replicas electing on Redis, sharing one PostgreSQL history', () => {
  let redis: RunningRedis;
  let postgres: RunningPostgres;
  let databaseUrl: string;
  const replicas: TestReplica[] = [];
  const prefix = `hawk-test-pg-${process.pid}`;
  const start = async (name: string) => {
    // T0 is in 2025: a retention of a century keeps a replica's first prune off the test's rows.
    const env = {
      HAWK_REDIS_URL: redis.url,
      HAWK_DATABASE_URL: databaseUrl,
      HAWK_HISTORY_RETENTION_HOURS: String(100 * 365 * 24),
    };
    const replica = await startReplica(name, env, { redisPrefix: prefix });
    replicas.push(replica);
    return replica;
  };
  /** Rows in the shared database, oldest first: each event once per writer. */
  const timelineRows = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (
        await client.query<{ kind: string; at: string }>('SELECT kind, at FROM hawk_timeline ORDER BY at, id')
      ).rows.map((row) => `${row.kind}@${Number(row.at) - T0}`);
    } finally {
      await client.end();
    }
  };
  /** Both hubs observe the same thing, as two replicas watching one cluster do. */
  const observeOnBoth = (event: TimelineEvent, down: boolean) => {
    for (const replica of replicas) {
      replica.hub.push(changed(event.at, down));
      replica.hub.emitTimeline(event);
    }
  };

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    databaseUrl = await postgres.createDatabase();
    await start('hawk-a');
    await start('hawk-b');
  }, 60_000);
  afterAll(async () => {
    for (const replica of replicas) await replica.hawk.close().catch(() => undefined);
    await redis?.stop();
    await postgres?.stop();
  });

  it('while the lock is reachable, only the leader writes: each event once; the follower serves it', async () => {
    const leader = await steadyLeader(replicas);
    const follower = replicas.find((replica) => replica !== leader)!;
    observeOnBoth(failed, true);
    await vi.waitFor(async () => expect(await timelineOf(follower)).toEqual([failed]), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await verdictAt(follower, T0 + 1_000)).toBe('degraded');
    // Give a (wrong) writing follower the time to write its copy: there must be none.
    await pause(300);
    expect(await timelineRows()).toEqual([label(failed)]);
  });

  it('while Redis is stopped, every replica writes: nothing is lost; back, only the leader writes again', async () => {
    await redis.stop();
    await vi.waitFor(
      async () =>
        expect((await Promise.all(replicas.map(readiness))).map((state) => state.leaderLockReachable)).toEqual([
          false,
          false,
        ]),
      { timeout: 10_000, interval: 50 },
    );

    // Nobody can be known to lead, so both write what they observed. Duplicates are the accepted
    // price (one row per replica): a history that misses the outage is the failure hawk must not have.
    observeOnBoth(recovered, false);
    await vi.waitFor(
      async () => expect(await timelineRows()).toEqual([label(failed), label(recovered), label(recovered)]),
      { timeout: 5_000, interval: 50 },
    );
    expect(await verdictAt(replicas[0]!, T0 + 2_000)).toBe('ha-ok');

    await redis.restart();
    await steadyLeader(replicas);
    observeOnBoth(failedAgain, true);
    await vi.waitFor(async () => expect((await timelineRows()).slice(3)).toEqual([label(failedAgain)]), {
      timeout: 5_000,
      interval: 50,
    });
    await pause(300);
    expect((await timelineRows()).slice(3)).toEqual([label(failedAgain)]);
  });

  it('after the leader stops, the new leader’s writes join the same history; a late replica serves all of it', async () => {
    const leader = await oneLeader(replicas);
    replicas.splice(replicas.indexOf(leader), 1);
    const survivor = replicas[0]!;
    await leader.hawk.close();
    await vi.waitFor(async () => expect((await readiness(survivor)).leader).toBe(true), {
      timeout: 5_000,
      interval: 50,
    });
    expect([survivor.hub.running, survivor.hub.started]).toEqual([true, 1]);

    survivor.hub.push(changed(recoveredAgain.at, false));
    survivor.hub.emitTimeline(recoveredAgain);
    const expected = [failed, recovered, recovered, failedAgain, recoveredAgain];
    await vi.waitFor(async () => expect(await timelineOf(survivor)).toEqual(expected), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await verdictAt(survivor, T0 + 1_000)).toBe('degraded');
    expect(await verdictAt(survivor, T0 + 4_000)).toBe('ha-ok');

    // A replica that joins now, as a follower, serves all of it: nothing was kept only in a replica.
    const late = await start('hawk-c');
    expect((await readiness(late)).leader).toBe(false);
    expect(await timelineOf(late)).toEqual(expected);
    expect(await verdictAt(late, T0 + 3_000)).toBe('degraded');
    expect(await timelineRows()).toEqual(expected.map(label));
  });
});
