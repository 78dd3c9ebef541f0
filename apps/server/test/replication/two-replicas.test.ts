/**
 * Two real hawk replicas electing on a real redis-server. Every replica observes by itself (its hub
 * runs from start to close) and pushes its own judged state to its own clients; the lock elects
 * only side effects. So losing the leader, or Redis, never blinds or restarts a replica.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '@hawk/core';
import { clusterState, quorumLost } from '@hawk/testkit/cluster-state';
import { connectClient, nextEvent, pause, recordEvents, startHawkServer } from '@hawk/testkit/hawk-server';
import { createMemoryHub } from '@hawk/testkit/memory-hub';
import { freePort } from '@hawk/testkit/free-port';
import { startRedis, type RunningRedis } from '@hawk/testkit/redis-server';
import {
  changed,
  oneLeader,
  readiness,
  replicaGauge,
  startReplica,
  T0,
  waitFor,
  type TestReplica,
} from './support/replicas';

const timelineOf = async (replica: TestReplica, from: number, to: number) =>
  (
    (await (await fetch(`${replica.hawk.url}/api/clusters/lab/timeline?from=${from}&to=${to}`)).json()) as {
      events: TimelineEvent[];
    }
  ).events;

async function subscribed(replica: TestReplica) {
  replica.client = await connectClient(replica.hawk.url);
  const snapshot = nextEvent(replica.client, 'snapshot');
  replica.client.emit('subscribe', { clusterId: 'lab' });
  return snapshot;
}

async function closeAll(replicas: readonly TestReplica[]) {
  for (const replica of replicas) {
    replica.client?.disconnect();
    await replica.hawk.close().catch(() => undefined);
  }
}

describe('two replicas electing on Redis', () => {
  let redis: RunningRedis;
  const replicas: TestReplica[] = [];
  const prefix = `hawk-test-${process.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
    for (const name of ['hawk-a', 'hawk-b'])
      replicas.push(await startReplica(name, { HAWK_REDIS_URL: redis.url }, { redisPrefix: prefix }));
  });
  afterAll(async () => {
    await closeAll(replicas);
    await redis?.stop();
  });

  it('elects exactly one leader; both hubs run; both are ready; metrics and /readyz name the leader', async () => {
    // Redis connects in the background: a first lock call may fail (and say so) before it does.
    const { leader, states, gauges } = await waitFor(
      'one leader, named alike by /readyz and the metrics of both',
      async () => {
        const leader = await oneLeader(replicas);
        const states = await Promise.all(replicas.map(readiness));
        const gauges = await Promise.all(
          replicas.map(async (replica) => [
            await replicaGauge(replica, 'hawk_replica_leader'),
            await replicaGauge(replica, 'hawk_replica_leader_lock_reachable'),
          ]),
        );
        return states.every((state) => state.leaderLockReachable && state.leaderIdentity === leader.name) &&
          gauges.every(([, reachable]) => reachable === '1')
          ? { leader, states, gauges }
          : undefined;
      },
    );
    expect(states.map((state) => [state.status, state.ready, state.leader])).toEqual(
      replicas.map((replica) => [200, true, replica === leader]),
    );
    expect(gauges).toEqual(replicas.map((replica) => [replica === leader ? '1' : '0', '1']));
    // Observation is not elected: the follower's hub runs too, started once.
    expect(replicas.map((replica) => [replica.hub.running, replica.hub.started])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    // Both name the lock and the holder they see: hawk applies to itself what it checks in others.
    const metrics = await Promise.all(
      replicas.map(async (replica) => (await fetch(`${replica.hawk.url}/metrics`)).text()),
    );
    expect(metrics.map((text) => /hawk_replica_leader_lock_info\{[^}]*\} 1/.exec(text)?.[0])).toEqual(
      replicas.map(
        (replica) =>
          `hawk_replica_leader_lock_info{replica="${replica.name}",lock="redis",name="${prefix}:leader",` +
          `holder="${leader.name}"} 1`,
      ),
    );
  });

  it("a client of either replica gets the snapshot and patches of its own replica's hub, and its own history", async () => {
    const snapshots = await Promise.all(replicas.map(subscribed));
    expect(snapshots.map((snapshot) => snapshot.state)).toEqual([clusterState('lab'), clusterState('lab')]);
    const seen = replicas.map((replica) => recordEvents(replica.client!));

    // Each hub observes something different: each client must get exactly its own replica's view.
    const [a, b] = replicas as [TestReplica, TestReplica];
    const patches = Promise.all(replicas.map((replica) => nextEvent(replica.client!, 'patch')));
    const timelineOnA = nextEvent(a.client!, 'timeline');
    const onlyA: TimelineEvent = {
      kind: 'probe-failed',
      clusterId: 'lab',
      at: T0 + 1_000,
      target: 'etcd-3',
      error: 'refused',
    };
    a.hub.push(changed(T0 + 1_000, true));
    a.hub.emitTimeline(onlyA);
    b.hub.push(clusterState('lab', { at: T0 + 1_000, fault: quorumLost }));
    const [onA, onB] = await patches;
    expect(onA).toMatchObject({
      clusterId: 'lab',
      baseVersion: snapshots[0]!.version,
      version: snapshots[0]!.version + 1,
      parts: { verdict: 'degraded' },
    });
    expect(onB).toMatchObject({
      clusterId: 'lab',
      baseVersion: snapshots[1]!.version,
      version: snapshots[1]!.version + 1,
      parts: { verdict: 'down' },
    });
    expect(await timelineOnA).toEqual(onlyA);
    await pause(200);
    // No relay: b's client never hears what only a observed.
    expect(seen[1]!.map((entry) => entry.event)).toEqual(['patch']);

    // SQLite per replica: each writes the history it observed, leader or not.
    await waitFor(
      'a’s own history',
      async () => ((await timelineOf(a, T0, T0 + 2_000)).length === 1 ? true : undefined),
      5_000,
    );
    expect(await timelineOf(a, T0, T0 + 2_000)).toEqual([onlyA]);
    expect(await timelineOf(b, T0, T0 + 2_000)).toEqual([]);
    const onlyB: TimelineEvent = { kind: 'probe-recovered', clusterId: 'lab', at: T0 + 1_500, target: 'etcd-3' };
    b.hub.emitTimeline(onlyB);
    await waitFor(
      'b’s own history',
      async () => ((await timelineOf(b, T0, T0 + 2_000)).length === 1 ? true : undefined),
      5_000,
    );
    expect(await timelineOf(b, T0, T0 + 2_000)).toEqual([onlyB]);
  });

  it('the leader closed: the other leads, its hub never restarted, its clients never lost a patch', async () => {
    const leader = await oneLeader(replicas);
    const survivor = replicas.find((replica) => replica !== leader)!;
    const before = (await (await fetch(`${survivor.hawk.url}/api/clusters/lab`)).json()) as { version: number };

    leader.client?.disconnect();
    await leader.hawk.close();
    const state = await waitFor(
      'the survivor to lead',
      async () => {
        const state = await readiness(survivor);
        return state.leader && state.leaderLockReachable ? state : undefined;
      },
      5_000,
    );
    expect(state).toMatchObject({ status: 200, ready: true, leader: true, leaderIdentity: survivor.name });
    expect([survivor.hub.running, survivor.hub.started]).toEqual([true, 1]);

    const patch = nextEvent(survivor.client!, 'patch');
    survivor.hub.push(changed(T0 + 2_000, false));
    expect(await patch).toMatchObject({
      clusterId: 'lab',
      baseVersion: before.version,
      version: before.version + 1,
      parts: { verdict: 'ha-ok' },
    });
  });
});

describe('Redis away: every replica keeps observing and serving', () => {
  let redis: RunningRedis;
  const replicas: TestReplica[] = [];
  const prefix = `hawk-test-away-${process.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
    for (const name of ['hawk-a', 'hawk-b'])
      replicas.push(await startReplica(name, { HAWK_REDIS_URL: redis.url }, { redisPrefix: prefix }));
    await Promise.all(replicas.map(subscribed));
  });
  afterAll(async () => {
    await closeAll(replicas);
    await redis?.stop();
  });

  it('Redis stopped: both stay ready, say the lock is unreachable, and push; Redis back: one leader again', async () => {
    await oneLeader(replicas);
    await redis.stop();
    const stoppedAt = Date.now();
    const states = await waitFor(
      'both replicas to report the lock unreachable',
      async () => {
        const all = await Promise.all(replicas.map(readiness));
        return all.every((state) => !state.leaderLockReachable) ? all : undefined;
      },
      10_000,
    );
    console.log(`[redis-away] Redis stopped → both report leaderLockReachable false: ${Date.now() - stoppedAt} ms`);
    expect(states.map((state) => [state.status, state.ready])).toEqual([
      [200, true],
      [200, true],
    ]);
    expect(
      await Promise.all(replicas.map((replica) => replicaGauge(replica, 'hawk_replica_leader_lock_reachable'))),
    ).toEqual(['0', '0']);
    // The old leader steps down within its renew deadline: nobody can be known to lead.
    await waitFor(
      'no replica to claim the lead',
      async () => ((await Promise.all(replicas.map(readiness))).every((state) => !state.leader) ? true : undefined),
      5_000,
    );

    // Observation goes on: the hubs were never stopped or restarted, and every client gets its patch.
    expect(replicas.map((replica) => [replica.hub.running, replica.hub.started])).toEqual([
      [true, 1],
      [true, 1],
    ]);
    const patches = Promise.all(replicas.map((replica) => nextEvent(replica.client!, 'patch')));
    for (const replica of replicas) replica.hub.push(changed(T0 + 3_000, true));
    expect((await patches).map((patch) => patch.parts.verdict)).toEqual(['degraded', 'degraded']);

    const restartedAt = Date.now();
    await redis.restart();
    await waitFor(
      'one leader again, the lock reachable by both (/readyz and metric)',
      async () => {
        await oneLeader(replicas, 0);
        const gauges = await Promise.all(
          replicas.map((replica) => replicaGauge(replica, 'hawk_replica_leader_lock_reachable')),
        );
        return gauges.every((gauge) => gauge === '1') ? true : undefined;
      },
      15_000,
    );
    console.log(`[redis-away] Redis restarted → one leader, lock reachable on both: ${Date.now() - restartedAt} ms`);
    expect(replicas.map((replica) => replica.hub.started)).toEqual([1, 1]);
  });

  it('hawk whose Redis is not there at all becomes ready and serves; listen does not wait for Redis', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const hub = createMemoryHub([clusterState('lab')]);
    const startedAt = Date.now();
    const lonely = await startHawkServer(
      hub,
      { HAWK_REDIS_URL: nobody, HAWK_REPLICA_ID: 'hawk-lonely' },
      { redisPrefix: prefix },
    );
    try {
      const listeningMs = Date.now() - startedAt;
      console.log(`[redis-away] hawk with no Redis listening after ${listeningMs} ms`);
      // Had listen waited for Redis it would not have come at all: nothing ever answers on that port.
      expect(listeningMs).toBeLessThan(10_000);
      const ready = await waitFor(
        'ready with the lock unreachable',
        async () => {
          const response = await fetch(`${lonely.url}/readyz`);
          const body = (await response.json()) as { leaderLockReachable: boolean; leader: boolean };
          return response.status === 200 && !body.leaderLockReachable ? body : undefined;
        },
        10_000,
      );
      expect(ready.leader).toBe(false);
      expect((await fetch(`${lonely.url}/api/clusters/lab`)).status).toBe(200);
      const client = await connectClient(lonely.url);
      try {
        const snapshot = nextEvent(client, 'snapshot');
        client.emit('subscribe', { clusterId: 'lab' });
        expect((await snapshot).state).toEqual(clusterState('lab'));
      } finally {
        client.disconnect();
      }
    } finally {
      await lonely.close();
    }
  });
});
