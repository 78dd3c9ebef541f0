import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatchMessage } from '@hawk/core';
import { clusterState, etcdMember, T0 } from '../transport/support/cluster-state';
import { connectClient, nextEvent, pause, startHawk, type HawkClient, type RunningHawk } from '../transport/support/hawk-server';
import { createMemoryHub, type MemoryHub } from '../transport/support/memory-hub';
import { startRedis, type RunningRedis } from './support/redis-server';

// Timings shortened so a failover takes about two seconds rather than ten.
const election = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

interface Replica {
  readonly name: string;
  readonly hub: MemoryHub;
  readonly hawk: RunningHawk;
  client?: HawkClient;
}

async function readiness(replica: Replica): Promise<{ ready: boolean; leader: boolean; leaderIdentity: string | null }> {
  return (await fetch(`${replica.hawk.url}/readyz`)).json() as Promise<{ ready: boolean; leader: boolean; leaderIdentity: string | null }>;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(50);
  }
}

const changed = (at: number, down: boolean) => clusterState('lab', { observedAt: at, verdict: down ? 'degraded' : 'ha-ok', etcd: { ...clusterState('lab').etcd, members: [etcdMember(1), etcdMember(2), etcdMember(3, !down)] } });

describe('two replicas behind Redis', () => {
  let redis: RunningRedis;
  const replicas: Replica[] = [];
  const prefix = `hawk-test-${process.pid}`;

  beforeAll(async () => {
    redis = await startRedis();
    for (const name of ['hawk-a', 'hawk-b']) {
      const hub = createMemoryHub([clusterState('lab')]);
      const hawk = await startHawk(hub, { HAWK_REDIS_URL: redis.url, HAWK_REPLICA_ID: name }, { election, redisPrefix: prefix });
      replicas.push({ name, hub, hawk });
    }
  });
  afterAll(async () => {
    for (const replica of replicas) {
      replica.client?.disconnect();
      await replica.hawk.close().catch(() => undefined);
    }
    await redis?.stop();
  });

  it('elects exactly one leader; only its hub watches; both are ready', async () => {
    const states = await waitFor('one leader and a ready follower', async () => {
      const all = await Promise.all(replicas.map(readiness));
      return all.every((state) => state.ready) && all.filter((state) => state.leader).length === 1 ? all : undefined;
    });
    const leader = replicas[states.findIndex((state) => state.leader)]!;
    expect(states.map((state) => state.leaderIdentity)).toEqual([leader.name, leader.name]);
    expect(replicas.map((replica) => replica.hub.running)).toEqual(states.map((state) => state.leader));
    const metrics = await Promise.all(replicas.map(async (replica) => (await fetch(`${replica.hawk.url}/metrics`)).text()));
    expect(metrics.map((text) => /hawk_replica_leader\{replica="[^"]+"\} (\d)/.exec(text)?.[1])).toEqual(states.map((state) => (state.leader ? '1' : '0')));
    // Both name the lock and the holder they see: hawk applies to itself what it checks in others.
    expect(metrics.map((text) => /hawk_replica_leader_lock_info\{[^}]*\} 1/.exec(text)?.[0])).toEqual(
      replicas.map((replica) => `hawk_replica_leader_lock_info{replica="${replica.name}",lock="redis",name="${prefix}:leader",holder="${leader.name}"} 1`),
    );
  });

  it('delivers the same snapshot, patches and timeline to clients of either replica', async () => {
    for (const replica of replicas) replica.client = await connectClient(replica.hawk.url);
    const snapshots = await Promise.all(
      replicas.map((replica) => {
        const arrives = nextEvent(replica.client!, 'snapshot');
        replica.client!.emit('subscribe', { clusterId: 'lab' });
        return arrives;
      }),
    );
    expect(snapshots[0]).toEqual(snapshots[1]);

    const patches = Promise.all(replicas.map((replica) => nextEvent(replica.client!, 'patch')));
    const timelines = Promise.all(replicas.map((replica) => nextEvent(replica.client!, 'timeline')));
    // Both hubs see the same cluster; only the leader's is running and speaks.
    for (const replica of replicas) {
      replica.hub.push(changed(T0 + 1_000, true));
      replica.hub.emitTimeline({ kind: 'probe-failed', clusterId: 'lab', at: T0 + 1_000, target: 'etcd-3', error: 'refused' });
    }
    const [onA, onB] = await patches;
    expect(onA).toEqual(onB);
    expect(onA).toMatchObject({ version: snapshots[0]!.version + 1, baseVersion: snapshots[0]!.version });
    const [timelineA, timelineB] = await timelines;
    expect(timelineA).toEqual(timelineB);

    // The follower serves REST from what the leader relayed, history included.
    const follower = replicas.find((replica) => !replica.hub.running)!;
    await waitFor('the relayed state on the follower', async () => {
      const body = (await (await fetch(`${follower.hawk.url}/api/clusters/lab`)).json()) as { version: number };
      return body.version === onA!.version ? body : undefined;
    });
    const timeline = (await (await fetch(`${follower.hawk.url}/api/clusters/lab/timeline?from=${T0}&to=${T0 + 2_000}`)).json()) as { events: unknown[] };
    expect(timeline.events).toHaveLength(1);
  });

  it('fails over when the leader goes: the follower takes over and versions continue', async () => {
    const leaderIndex = replicas.findIndex((replica) => replica.hub.running);
    const leader = replicas[leaderIndex]!;
    const survivor = replicas[1 - leaderIndex]!;
    const before = (await (await fetch(`${survivor.hawk.url}/api/clusters/lab`)).json()) as { version: number };

    leader.client?.disconnect();
    await leader.hawk.close();
    await waitFor('the survivor to lead', async () => ((await readiness(survivor)).leader ? true : undefined), 5_000);
    expect(survivor.hub.running).toBe(true);

    const patch = nextEvent(survivor.client!, 'patch');
    survivor.hub.push(changed(T0 + 2_000, false));
    const received: PatchMessage = await patch;
    expect(received).toMatchObject({ clusterId: 'lab', baseVersion: before.version, version: before.version + 1 });
    expect(received.parts.verdict).toBe('ha-ok');
  });
});
