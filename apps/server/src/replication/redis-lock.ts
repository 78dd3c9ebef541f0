import type { createClient } from 'redis';
import type { LeaderLock } from './leader-lock';

export type RedisClient = ReturnType<typeof createClient>;

// Compare-and-act in one script: a holder whose lock expired and was taken must not extend or
// delete its successor's record.
const RENEW_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** A Redis key with a TTL: expiry is judged by Redis's single clock, so replica clock skew does not matter. */
export function createRedisLock(client: RedisClient, key: string): LeaderLock {
  return {
    async tryAcquire(identity, ttlMs) {
      const reply = await client.set(key, identity, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      return reply === 'OK' || (await client.get(key)) === identity;
    },
    async renew(identity, ttlMs) {
      return Number(await client.eval(RENEW_IF_HELD, { keys: [key], arguments: [identity, String(ttlMs)] })) === 1;
    },
    async release(identity) {
      await client.eval(RELEASE_IF_HELD, { keys: [key], arguments: [identity] });
    },
    holder: async () => (await client.get(key)) ?? null,
  };
}
