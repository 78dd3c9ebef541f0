/**
 * The Redis lock against a real redis-server: how each acquisition was taken, so a new leader knows what to re-send.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { createRedisLock, type RedisClient } from '../../src/replication/redis-lock';
import { startRedis, type RunningRedis } from '@hawk/testkit/redis-server';

describe('Redis lock', () => {
  let redis: RunningRedis;
  let client: RedisClient;
  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  it('tells a released lock (vacant) from one whose holder went silent (expired)', async () => {
    const lock = createRedisLock(client, `lock-test-${process.pid}`);
    // Never held: nobody can have sent anything, so it counts as taken from a silent holder.
    expect(await lock.tryAcquire('a', 5_000)).toBe('expired');
    expect(await lock.tryAcquire('b', 5_000)).toBe(false);
    expect(await lock.tryAcquire('a', 5_000)).toBe('vacant');
    await lock.release('a');
    expect(await lock.tryAcquire('b', 300)).toBe('vacant');
    // b goes silent: its key expires and a takes over.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await lock.holder()).toBeNull();
    expect(await lock.tryAcquire('a', 5_000)).toBe('expired');
    expect(await lock.renew('b', 5_000)).toBe(false);
    expect(await lock.renew('a', 5_000)).toBe(true);
  });
});
