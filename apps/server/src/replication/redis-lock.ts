import type { createClient } from 'redis';
import { SERVER_DEFAULTS } from '../defaults';
import type { LeaderLock } from './leader-lock';

export type RedisClient = ReturnType<typeof createClient>;

// Compare-and-act in one script: a holder whose lock expired and was taken must not extend or
// delete its successor's record.
const RENEW_IF_HELD =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
// A release leaves a marker beside the key, so the next holder knows it took over a lock given up,
// not one whose holder went silent (a lock never held counts as silent: nobody sent anything).
const RELEASE_IF_HELD =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2]); return " +
  "redis.call('DEL', KEYS[1]) else return 0 end";
const ACQUIRE =
  "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then if redis.call('GET', KEYS[2]) then " +
  "redis.call('DEL', KEYS[2]); return 'vacant' end return 'expired' elseif redis.call('GET', KEYS[1]) == " +
  "ARGV[1] then return 'vacant' end return 0";

/** A Redis key with a TTL: expiry is judged by Redis's single clock, so replica clock skew does not matter. */
export function createRedisLock(client: RedisClient, key: string): LeaderLock {
  return {
    async tryAcquire(identity, ttlMs) {
      const reply = await client.eval(ACQUIRE, {
        keys: [key, `${key}:released`],
        arguments: [identity, String(ttlMs)],
      });
      return reply === 'vacant' || reply === 'expired' ? reply : false;
    },
    async renew(identity, ttlMs) {
      return Number(await client.eval(RENEW_IF_HELD, { keys: [key], arguments: [identity, String(ttlMs)] })) === 1;
    },
    async release(identity) {
      await client.eval(RELEASE_IF_HELD, {
        keys: [key, `${key}:released`],
        arguments: [identity, String(SERVER_DEFAULTS.redisReleaseMarkerMs)],
      });
    },
    holder: async () => (await client.get(key)) ?? null,
  };
}
