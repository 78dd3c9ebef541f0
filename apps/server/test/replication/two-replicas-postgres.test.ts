import type { TimelineEvent } from '@hawk/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type RunningPostgres } from '../history/support/postgres-server';
import { clusterState, etcdMember, T0 } from '../transport/support/cluster-state';
import { pause, startHawkServer, type RunningHawk } from '../transport/support/hawk-server';
import { createMemoryHub, type MemoryHub } from '../transport/support/memory-hub';
import { startRedis, type RunningRedis } from './support/redis-server';

// Timings shortened so a failover takes about two seconds rather than ten.
const election = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

interface Replica {
  readonly name: string;
  readonly hub: MemoryHub;
  readonly hawk: RunningHawk;
}

const changed = (at: number, down: boolean) => clusterState('lab', { observedAt: at, verdict: down ? 'degraded' : 'ha-ok', etcd: { ...clusterState('lab').etcd, members: [etcdMember(1), etcdMember(2), etcdMember(3, !down)] } });
const failed: TimelineEvent = { kind: 'probe-failed', clusterId: 'lab', at: T0 + 1_000, target: 'etcd-3', error: 'refused' };
const recovered: TimelineEvent = { kind: 'probe-recovered', clusterId: 'lab', at: T0 + 2_000, target: 'etcd-3' };

const get = async <T>(replica: Replica, path: string) => (await fetch(`${replica.hawk.url}${path}`)).json() as Promise<T>;
const isLeader = async (replica: Replica) => (await get<{ leader: boolean }>(replica, '/readyz')).leader;
const timelineOf = async (replica: Replica) => (await get<{ events: TimelineEvent[] }>(replica, `/api/clusters/lab/timeline?from=${T0}&to=${T0 + 10_000}`)).events;
const verdictAt = async (replica: Replica, t: number) => (await get<{ state?: { verdict: string } }>(replica, `/api/clusters/lab/state-at?t=${t}`)).state?.verdict;

describe('two replicas behind Redis sharing one PostgreSQL history', () => {
  let redis: RunningRedis;
  let postgres: RunningPostgres;
  let databaseUrl: string;
  const replicas: Replica[] = [];
  const prefix = `hawk-test-pg-${process.pid}`;
  const start = async (name: string) => {
    // Both hubs see the same cluster, as two replicas would; only the leader's runs and speaks.
    const hub = createMemoryHub([clusterState('lab')]);
    // T0 is in 2025: a retention of a century keeps a new leader's first prune off the test's rows.
    const env = { HAWK_REDIS_URL: redis.url, HAWK_REPLICA_ID: name, HAWK_DATABASE_URL: databaseUrl, HAWK_HISTORY_RETENTION_HOURS: String(100 * 365 * 24) };
    const hawk = await startHawkServer(hub, env, { election, redisPrefix: prefix });
    const replica = { name, hub, hawk };
    replicas.push(replica);
    return replica;
  };
  /** Rows in the shared database: each event must be there once, not once per replica. */
  const timelineRows = async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<{ kind: string }>("SELECT body->>'kind' AS kind FROM hawk_timeline ORDER BY at, id")).rows.map((row) => row.kind);
    } finally {
      await client.end();
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

  it('the follower serves the leader’s timeline and replay from the shared database, written once', async () => {
    const leader = await vi.waitFor(async () => {
      const leading = await Promise.all(replicas.map(isLeader));
      expect(leading.filter(Boolean)).toHaveLength(1);
      return replicas[leading.indexOf(true)]!;
    }, { timeout: 10_000, interval: 50 });
    const follower = replicas.find((replica) => replica !== leader)!;

    for (const replica of replicas) {
      replica.hub.push(changed(T0 + 1_000, true));
      replica.hub.emitTimeline(failed);
    }
    await vi.waitFor(async () => expect(await timelineOf(follower)).toEqual([failed]), { timeout: 5_000, interval: 50 });
    expect(await verdictAt(follower, T0 + 1_000)).toBe('degraded');
    // Give a (wrong) mirroring follower the time to write its copy: there must be none.
    await pause(300);
    expect(await timelineRows()).toEqual(['probe-failed']);
  });

  it('after the leader stops, the new leader’s writes join the same history with nothing lost', async () => {
    const leader = (await Promise.all(replicas.map(isLeader))).indexOf(true);
    const [stopped] = replicas.splice(leader, 1);
    const survivor = replicas[0]!;
    await stopped!.hawk.close();
    await vi.waitFor(async () => expect(await isLeader(survivor)).toBe(true), { timeout: 5_000, interval: 50 });

    survivor.hub.push(changed(T0 + 2_000, false));
    survivor.hub.emitTimeline(recovered);
    await vi.waitFor(async () => expect(await timelineOf(survivor)).toEqual([failed, recovered]), { timeout: 5_000, interval: 50 });
    expect(await verdictAt(survivor, T0 + 1_000)).toBe('degraded');
    expect(await verdictAt(survivor, T0 + 2_000)).toBe('ha-ok');

    // A replica that joins now, as a follower, serves all of it: nothing was kept only in a replica.
    const late = await start('hawk-c');
    expect(await isLeader(late)).toBe(false);
    expect(await timelineOf(late)).toEqual([failed, recovered]);
    expect(await verdictAt(late, T0 + 1_000)).toBe('degraded');
    expect(await timelineRows()).toEqual(['probe-failed', 'probe-recovered']);
  });
});
