import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import fp from 'fastify-plugin';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { KubeConfig } from '@kubernetes/client-node';
import { createClient } from 'redis';
import { runningInPod } from './clusters/resolve-clusters';
import type { HawkEnv } from './env';
import type { HistoryRepository } from './history/history-repository';
import { openPostgresHistory } from './history/postgres-history';
import { openSqliteHistory } from './history/sqlite-history';
import { requireAuthentication } from './http/auth-hook';
import { clusterRoutes } from './http/cluster-routes';
import type { HawkContext } from './http/hawk-context';
import { healthRoutes } from './http/health-routes';
import { metricsRoute } from './http/metrics-route';
import type { ClusterHub } from './hub';
import { createMetrics, type SourceStat } from './metrics/registry';
import { createElector, type ElectorConfig } from './replication/elector';
import { createSoloLeadership, type Leadership } from './replication/leadership';
import { createLeaseLockFromKubeConfig, parseLeaseRef } from './replication/lease-lock';
import { createRedisLock, type RedisClient } from './replication/redis-lock';
import { createRedisRelay } from './replication/redis-state-relay';
import { createReplica } from './replication/replica';
import { createLocalRelay, type StateRelay } from './replication/state-relay';
import { createAuthenticator } from './security/authenticator';
import { createTrustedProxy } from './security/trusted-proxy';
import { createPushServer } from './transport/socket-server';
import { createVersionedStates } from './transport/versioned-states';

export interface AppOptions {
  readonly env: HawkEnv;
  /** The clusters' sources (or a factory given the app's logger); started only while this replica leads. */
  readonly hub: ClusterHub | ((logger: FastifyBaseLogger) => ClusterHub);
  /** Defaults to the PostgreSQL database at HAWK_DATABASE_URL, else the SQLite file at HAWK_DB. */
  readonly history?: HistoryRepository;
  /** Leader election timings when HAWK_REDIS_URL or HAWK_LEADER_LEASE is set (tests shorten them). */
  readonly election?: Omit<ElectorConfig, 'identity' | 'log'>;
  /** Bounds on what one socket may ask for (defaults in socket-server.ts). */
  readonly socketLimits?: { readonly maxSubscriptions?: number; readonly maxFrameBytes?: number };
  /** Where logs go (default stdout); tests read them back to check that no secret is logged. */
  readonly logStream?: NodeJS.WritableStream;
  /** Credentials for HAWK_LEADER_LEASE (default: KubeConfig.loadFromDefault(), the pod's ServiceAccount in a cluster). */
  readonly leaseKubeConfig?: KubeConfig;
  /** Redis key prefix shared by the replicas of one installation (default "hawk"). */
  readonly redisPrefix?: string;
}

/** A hub may count watch restarts; it is an optional member, not part of the seam. */
type HubWithStats = ClusterHub & { sourceStats?: () => readonly SourceStat[] };

/**
 * buildApp is hawk's backend as a Fastify plugin. Load order: ecosystem plugins (security headers,
 * CORS, rate limits, OpenAPI), then hawk's decorators (states, history, replication, socket.io,
 * metrics), then routes.
 */
export const buildApp: FastifyPluginAsync<AppOptions> = async (app, options) => {
  const { env } = options;
  const log = app.log;

  // 1. Ecosystem plugins.
  await app.register(helmet);
  // A list, not a string: the header is then sent only to that origin rather than to every caller.
  await app.register(cors, { origin: [env.HAWK_WEB_ORIGIN], methods: ['GET', 'HEAD'], allowedHeaders: ['authorization', 'content-type'] });
  await app.register(rateLimit, { max: env.HAWK_RATE_LIMIT_PER_MINUTE, timeWindow: 60_000 });
  await app.register(swagger, {
    openapi: {
      info: { title: 'hawk', description: 'HA watch for Kubernetes control planes', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(env.HAWK_TOKEN ? { security: [{ bearer: [] }] } : {}),
    },
  });
  const authenticator = createAuthenticator({
    token: env.HAWK_TOKEN,
    trustedProxy: env.HAWK_TRUSTED_PROXY_HEADER && env.HAWK_TRUSTED_PROXY_CIDRS ? createTrustedProxy(env.HAWK_TRUSTED_PROXY_HEADER, env.HAWK_TRUSTED_PROXY_CIDRS) : undefined,
  });
  if (authenticator.required) requireAuthentication(app, authenticator);

  // 2. Decorators: one replica's parts.
  let redis: RedisClient | undefined;
  let leadership: Leadership = createSoloLeadership(env.HAWK_REPLICA_ID);
  let relay: StateRelay = createLocalRelay();
  let adapter: ReturnType<typeof createAdapter> | undefined;
  let lockName: { kind: 'lease' | 'redis'; name: string } | undefined;
  if (env.HAWK_REDIS_URL) {
    const prefix = options.redisPrefix ?? 'hawk';
    redis = createClient({ url: env.HAWK_REDIS_URL });
    // Logged without the URL: it may carry a password.
    redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
    await redis.connect();
    adapter = createAdapter(redis, { streamName: `${prefix}:socket.io`, channelPrefix: `${prefix}:socket.io`, blockTimeInMs: 1_000 });
    if (!env.HAWK_LEADER_LEASE) {
      leadership = createElector(createRedisLock(redis, `${prefix}:leader`), { ...options.election, identity: env.HAWK_REPLICA_ID, log });
      lockName = { kind: 'redis', name: `${prefix}:leader` };
    }
    relay = createRedisRelay(redis, { prefix, log });
  }
  // In a cluster, hawk's own Lease elects instead of the Redis lock; Redis, if set, still fans out.
  const lease = env.HAWK_LEADER_LEASE ? parseLeaseRef(env.HAWK_LEADER_LEASE) : null;
  if (lease) {
    const kubeconfig = options.leaseKubeConfig ?? defaultKubeConfig();
    leadership = createElector(createLeaseLockFromKubeConfig(kubeconfig, lease), { ...options.election, identity: env.HAWK_REPLICA_ID, log });
    lockName = { kind: 'lease', name: env.HAWK_LEADER_LEASE! };
    if (!redis) log.warn({ lease: env.HAWK_LEADER_LEASE }, 'HAWK_LEADER_LEASE without HAWK_REDIS_URL: followers get no state from the leader to serve');
  }
  const history = options.history ?? (env.HAWK_DATABASE_URL ? await openPostgresHistory({ url: env.HAWK_DATABASE_URL, log }) : openSqliteHistory({ path: env.HAWK_DB }));
  const states = createVersionedStates();
  const push = createPushServer(app.server, { states, authenticator, webOrigin: env.HAWK_WEB_ORIGIN, adapter, log, ...options.socketLimits });
  const hub = (typeof options.hub === 'function' ? options.hub(log) : options.hub) as HubWithStats;
  const metrics = createMetrics({
    clusters: () => states.list().map((entry) => entry.state),
    sourceStats: typeof hub.sourceStats === 'function' ? () => hub.sourceStats?.() ?? [] : undefined,
    socketClients: push.localClients,
    replica: leadership,
    ...(lockName ? { replicaLock: { ...lockName, holder: leadership.holder } } : {}),
    processMetrics: true,
  });
  const replica = createReplica({
    hub,
    leadership,
    relay,
    states,
    history,
    push,
    onAccepted: metrics.observeState,
    // Each replica's own SQLite file needs the leader's writes mirrored; a shared database does not.
    mirrorHistory: options.history === undefined && redis !== undefined && !env.HAWK_DATABASE_URL,
    retentionMs: env.HAWK_HISTORY_RETENTION_HOURS * 3_600_000,
    log,
  });
  app.decorate('hawk', { states, history, leadership, replica, push, metrics } satisfies HawkContext);

  app.addHook('onReady', async () => {
    await replica.start();
  });
  // Open websockets would keep the http server from closing: disconnect them first.
  app.addHook('preClose', async () => {
    await push.close();
  });
  app.addHook('onClose', async () => {
    await replica.stop();
    await history.close();
    await redis?.close().catch(() => undefined);
  });

  // 3. Routes.
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  await routes.register(healthRoutes);
  await routes.register(metricsRoute);
  await routes.register(clusterRoutes);
  routes.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
};

/**
 * Where hawk's own Lease lives: in a pod, always the pod's cluster and ServiceAccount, even when
 * KUBECONFIG names other clusters to watch (the chart's extraKubeconfigSecret); elsewhere KUBECONFIG
 * or ~/.kube/config.
 */
function defaultKubeConfig(): KubeConfig {
  const kubeconfig = new KubeConfig();
  if (runningInPod()) kubeconfig.loadFromCluster();
  else kubeconfig.loadFromDefault();
  return kubeconfig;
}

/** A Fastify instance with hawk registered; `server.ts` only listens on it. */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.env.HAWK_LOG_LEVEL,
      // Belt and braces: nothing hawk logs carries these, and nothing that does should leak.
      redact: { paths: ['req.headers.authorization', '*.token', '*.auth', '*.password', '*.kubeconfig', '*.key', '*.cert'], censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // The socket handshake and REST share the port; trust no proxy header unless deployed behind one.
    trustProxy: false,
  });
  // Not encapsulated: the instance server.ts (and a bench) holds is hawk's, decorators included.
  await app.register(fp(buildApp, { name: 'hawk', fastify: '5.x' }), options);
  return app;
}
