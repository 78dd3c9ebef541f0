/**
 * Two real hawk replicas electing on Redis; the leader, in a process of its own, is SIGKILLed, so it
 * releases nothing. The follower must wait out the lock's TTL before it leads. It never stopped
 * observing: its hub ran, pushed and wrote its own history all along, before and after the takeover.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { clusterState, oneEtcdMemberDown, quorumLost, T0 } from '@hawk/testkit/cluster-state';
import {
  connectClient,
  nextEvent,
  startHawkServer,
  type HawkClient,
  type RunningHawk,
} from '@hawk/testkit/hawk-server';
import { createMemoryHub, type MemoryHub } from '@hawk/testkit/memory-hub';
import { spawnScript, type Child } from './support/child-process';
import { startRedis, type RunningRedis } from '@hawk/testkit/redis-server';

const election = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 1_000 };
// A tick's Redis round trips and the leadership hand-off add milliseconds to the bound.
const SLACK_MS = 250;

describe('Redis lock: failover by expiry after the leader is killed', () => {
  const prefix = `hawk-kill-${process.pid}`;
  let redis: RunningRedis;
  let probe: ReturnType<typeof createClient>;
  let victim: Child;
  let survivor: RunningHawk;
  let hub: MemoryHub;
  let client: HawkClient | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    probe = createClient({ url: redis.url });
    await probe.connect();
    victim = spawnScript('./hawk-replica.ts', {
      HAWK_REDIS_URL: redis.url,
      HAWK_REPLICA_ID: 'hawk-victim',
      ELECTION: JSON.stringify(election),
      REDIS_PREFIX: prefix,
    });
    await victim.line((message) => message.leading === true);
    hub = createMemoryHub([clusterState('lab')]);
    survivor = await startHawkServer(
      hub,
      { HAWK_REDIS_URL: redis.url, HAWK_REPLICA_ID: 'hawk-survivor' },
      { election, redisPrefix: prefix },
    );
  });
  afterAll(async () => {
    client?.disconnect();
    await victim?.kill9().catch(() => undefined);
    await survivor?.close().catch(() => undefined);
    await probe?.close().catch(() => undefined);
    await redis?.stop();
  });

  it('takes over only once the TTL has run out; its hub ran, pushed and wrote history all along', async () => {
    const leadership = survivor.app.hawk.leadership;
    expect(leadership.isLeader()).toBe(false);
    // A follower observes: its hub runs and its clients get its patches before any takeover.
    expect([hub.running, hub.started]).toEqual([true, 1]);
    client = await connectClient(survivor.url);
    const snapshot = nextEvent(client, 'snapshot');
    client.emit('subscribe', { clusterId: 'lab' });
    const { version } = await snapshot;
    const asFollower = nextEvent(client, 'patch');
    hub.push(clusterState('lab', { at: T0 + 1_000, fault: quorumLost }));
    hub.emitTimeline({ kind: 'probe-failed', clusterId: 'lab', at: T0 + 1_000, target: 'etcd-2', error: 'refused' });
    expect(await asFollower).toMatchObject({ clusterId: 'lab', baseVersion: version, version: version + 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // a few renewals

    const takeover = new Promise<{ at: number; kind: string }>((resolve) =>
      leadership.onChange((leading, kind) => leading && resolve({ at: Date.now(), kind })),
    );
    const killedAt = await victim.kill9();
    // The key's remaining TTL says when its last renewal was, on Redis's single clock.
    const measuredAt = Date.now();
    const remaining = await probe.pTTL(`${prefix}:leader`);
    expect(remaining).toBeGreaterThan(0);
    const expiresAt = measuredAt + remaining;
    const { at: tookOverAt, kind } = await takeover;
    // It saw the victim hold the lock, then took it only by waiting out its silence.
    expect(kind).toBe('expired');

    const sinceLastRenewal = tookOverAt - (expiresAt - election.leaseDurationMs);
    console.log(
      `[redis-lock] SIGKILL → takeover: ${tookOverAt - killedAt} ms; last renewal → takeover: ` +
        `${sinceLastRenewal} ms (TTL ${election.leaseDurationMs} ms, retry ${election.retryPeriodMs} ms)`,
    );
    expect(tookOverAt).toBeGreaterThanOrEqual(expiresAt - 20); // Redis expired it; pTTL is read a few ms late
    expect(sinceLastRenewal).toBeLessThanOrEqual(election.leaseDurationMs + 2 * election.retryPeriodMs + SLACK_MS);
    expect(await probe.get(`${prefix}:leader`)).toBe('hawk-survivor');

    // The takeover changed nothing for observation: the same hub, never restarted, goes on pushing.
    expect([hub.running, hub.started]).toEqual([true, 1]);
    const ready = (await (await fetch(`${survivor.url}/readyz`)).json()) as { leader: boolean; leaderIdentity: string };
    expect(ready).toMatchObject({ leader: true, leaderIdentity: 'hawk-survivor' });
    const patch = nextEvent(client, 'patch');
    hub.push(clusterState('lab', { at: T0 + 5_000, fault: oneEtcdMemberDown }));
    hub.emitTimeline({ kind: 'probe-failed', clusterId: 'lab', at: T0 + 5_000, target: 'etcd-3', error: 'refused' });
    expect(await patch).toMatchObject({ clusterId: 'lab', baseVersion: version + 1, version: version + 2 });
    // Its own SQLite history holds what it observed as a follower and as the leader.
    await expect
      .poll(async () =>
        (
          (await (await fetch(`${survivor.url}/api/clusters/lab/timeline?from=${T0}&to=${T0 + 6_000}`)).json()) as {
            events: { target: string }[];
          }
        ).events.map((event) => event.target),
      )
      .toEqual(['etcd-2', 'etcd-3']);
  });
});
