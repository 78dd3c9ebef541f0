import fp from 'fastify-plugin';
import type { FastifyBaseLogger } from 'fastify';
import { KubeConfig } from '@kubernetes/client-node';
import { createClient } from 'redis';
import { loadKubeConfig, runningInPod } from '../clusters/resolve-clusters';
import type { HawkEnv } from '../env';
import { createElector } from '../replication/elector';
import { createSoloLeadership, type Leadership } from '../replication/leadership';
import { createLeaseLockFromKubeConfig, parseLeaseRef } from '../replication/lease-lock';
import { createRedisLock, type RedisClient } from '../replication/redis-lock';
import type { AppOptions } from './app-options';
import { SERVER_DEFAULTS } from '../defaults';

export interface HawkLeadership {
  readonly leadership: Leadership;
  /** The lock the replicas elect on, for metrics; absent with one replica. */
  readonly lockName?: { readonly kind: 'lease' | 'redis'; readonly name: string };
}

declare module 'fastify' {
  interface FastifyInstance {
    hawkLeadership: HawkLeadership;
  }
}

/** Which replica performs the elected side effects (shared history writes, webhook notifications). */
export const leadershipPlugin = fp<AppOptions>(
  async (app, options) => {
    const { leadership, lockName, redis } = chooseLeadership(options, app.log);
    app.decorate('hawkLeadership', { leadership, ...(lockName ? { lockName } : {}) } satisfies HawkLeadership);
    app.addHook('onClose', async () => {
      if (redis?.isOpen) await redis.close().catch(() => undefined);
      else redis?.destroy();
    });
  },
  { name: 'hawk-leadership', fastify: '5.x' },
);

/**
 * chooseLeadership picks the lock the replicas elect on: hawk's own Lease in a cluster
 * (HAWK_LEADER_LEASE), else a Redis key (HAWK_REDIS_URL), else none (one replica). Redis connects in
 * the background: with Redis away hawk observes and serves all the same, and says so in /readyz.
 */
function chooseLeadership(options: AppOptions, log: FastifyBaseLogger): HawkLeadership & { redis?: RedisClient } {
  const { env } = options;
  const election = { ...options.election, identity: env.HAWK_REPLICA_ID, log };
  const lease = env.HAWK_LEADER_LEASE ? parseLeaseRef(env.HAWK_LEADER_LEASE) : null;
  if (lease && env.HAWK_LEADER_LEASE) {
    if (env.HAWK_REDIS_URL) log.warn({}, 'HAWK_REDIS_URL is not used: HAWK_LEADER_LEASE elects the leader');
    const kubeconfig = options.leaseKubeConfig ?? defaultKubeConfig(env);
    return {
      leadership: createElector(createLeaseLockFromKubeConfig(kubeconfig, lease), election),
      lockName: { kind: 'lease', name: env.HAWK_LEADER_LEASE },
    };
  }
  if (env.HAWK_REDIS_URL) {
    const key = `${options.redisPrefix ?? 'hawk'}:leader`;
    // No offline queue: a command while Redis is away fails at once (the lock is unreachable) rather than waiting.
    const redis: RedisClient = createClient({
      url: env.HAWK_REDIS_URL,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: SERVER_DEFAULTS.redisConnectTimeoutMs,
        reconnectStrategy: (retries) =>
          Math.min(SERVER_DEFAULTS.redisReconnectFirstMs * 2 ** retries, SERVER_DEFAULTS.redisReconnectMaxMs),
      },
    });
    // Logged without the URL: it may carry a password.
    redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
    redis
      .connect()
      .catch((error: unknown) => log.warn({ err: { message: (error as Error).message } }, 'redis not connected'));
    return {
      leadership: createElector(createRedisLock(redis, key), election),
      lockName: { kind: 'redis', name: key },
      redis,
    };
  }
  return { leadership: createSoloLeadership(env.HAWK_REPLICA_ID) };
}

/**
 * Where hawk's own Lease lives: in a pod, always the pod's cluster and ServiceAccount, even when
 * KUBECONFIG names other clusters to watch (the chart's extraKubeconfigSecret); elsewhere KUBECONFIG
 * or ~/.kube/config.
 */
function defaultKubeConfig(env: HawkEnv): KubeConfig {
  if (!runningInPod(env)) return loadKubeConfig({ KUBECONFIG: env.KUBECONFIG, KUBERNETES_SERVICE_HOST: undefined });
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromCluster();
  return kubeconfig;
}
