import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { KubeConfig } from '@kubernetes/client-node';
import { createClient } from 'redis';
import { createAlertDispatcher, createAlertmanagerSink, createWebhookSink, type AlertSink } from './alerts';
import { loadKubeConfig, runningInPod } from './clusters/resolve-clusters';
import type { HawkEnv } from './env';
import type { HistoryRepository } from './history/history-repository';
import { openPostgresHistory } from './history/postgres-history';
import { openSqliteHistory } from './history/sqlite-history';
import { requireAuthentication } from './http/auth-hook';
import { clusterRoutes } from './http/cluster-routes';
import type { HawkContext } from './http/hawk-context';
import { healthRoutes } from './http/health-routes';
import { metricsRoute } from './http/metrics-route';
import type { ClusterHub, SourceStats } from './hub';
import { createMetrics } from './metrics/registry';
import { createElector, type ElectorConfig } from './replication/elector';
import { createSoloLeadership, mustActAlone, type Leadership } from './replication/leadership';
import { createLeaseLockFromKubeConfig, parseLeaseRef } from './replication/lease-lock';
import { createRedisLock, type RedisClient } from './replication/redis-lock';
import { createReplica } from './replication/replica';
import { createAuthenticator } from './security/authenticator';
import { createRequestOriginPolicy } from './security/request-origin';
import { createTrustedProxy } from './security/trusted-proxy';
import { createPushServer } from './transport/socket-server';
import { createVersionedStates } from './transport/versioned-states';

export interface AppOptions {
  readonly env: HawkEnv;
  /** The clusters' sources (or a factory given the app's logger); every replica runs its own from start to close. */
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
  /** How often a firing alert is re-sent to Alertmanager (ms, default 60 s); tests shorten it. */
  readonly alertRepeatMs?: number;
}

/** A hub may count watch restarts; it is an optional member, not part of the seam. */
type HubWithStats = ClusterHub & { sourceStats?: () => readonly SourceStats[] };

/** Default elector timings (ms), as in elector.ts: what a takeover's re-send window is computed from. */
const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_RETRY_MS = 2_000;

/**
 * buildApp is hawk's backend as a Fastify plugin. Load order: ecosystem plugins (security headers,
 * host and origin guard, CORS, rate limits, OpenAPI), then hawk's decorators (states, history,
 * leadership, socket.io, alerts, metrics), then routes.
 */
export const buildApp: FastifyPluginAsync<AppOptions> = async (app, options) => {
  const { env } = options;
  const log = app.log;

  // 1. Ecosystem plugins.
  await app.register(helmet);
  const origins = createRequestOriginPolicy(env.HAWK_WEB_ORIGIN, env.HAWK_ALLOWED_HOSTS);
  // DNS rebinding: a page whose name re-binds to hawk's address sends its own name as Host.
  app.addHook('onRequest', async (request, reply) => {
    if (origins.hostAllowed(request.headers.host)) return;
    return reply.code(421).send({ statusCode: 421, error: 'Misdirected Request', message: 'this host name is not one hawk serves (HAWK_ALLOWED_HOSTS)' });
  });
  // A list, not a string: the header is then sent only to those origins rather than to every caller.
  await app.register(cors, { origin: [...origins.webOrigins], methods: ['GET', 'HEAD'], allowedHeaders: ['authorization', 'content-type'] });
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

  // 2. Decorators: one replica's parts. Every replica observes; the lock elects only side effects.
  const { leadership, lockName, redis } = chooseLeadership(env, options, log);
  const sharedHistory = options.history === undefined && env.HAWK_DATABASE_URL !== undefined;
  const history = options.history ?? (env.HAWK_DATABASE_URL ? await openPostgresHistory({ url: env.HAWK_DATABASE_URL, log }) : openSqliteHistory({ path: env.HAWK_DB }));
  const states = createVersionedStates();
  const push = createPushServer(app.server, { states, authenticator, origins, log, ...options.socketLimits });
  const hub = (typeof options.hub === 'function' ? options.hub(log) : options.hub) as HubWithStats;
  const alerts = createAlerts(env, hub, leadership, options, log);
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
    states,
    history,
    push,
    onAccepted: metrics.observeState,
    sharedHistory,
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
    alerts?.stop();
    await replica.stop();
    await history.close();
    if (redis?.isOpen) await redis.close().catch(() => undefined);
    else redis?.destroy();
  });

  // 3. Routes.
  const routes = app.withTypeProvider<TypeBoxTypeProvider>();
  await routes.register(healthRoutes);
  await routes.register(metricsRoute);
  await routes.register(clusterRoutes);
  routes.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
};

/**
 * chooseLeadership picks the lock the replicas elect on: hawk's own Lease in a cluster
 * (HAWK_LEADER_LEASE), else a Redis key (HAWK_REDIS_URL), else none (one replica). Redis connects in
 * the background: with Redis away hawk observes and serves all the same, and says so in /readyz.
 */
function chooseLeadership(env: HawkEnv, options: AppOptions, log: FastifyBaseLogger): { leadership: Leadership; lockName?: { kind: 'lease' | 'redis'; name: string }; redis?: RedisClient } {
  const election = { ...options.election, identity: env.HAWK_REPLICA_ID, log };
  const lease = env.HAWK_LEADER_LEASE ? parseLeaseRef(env.HAWK_LEADER_LEASE) : null;
  if (lease) {
    if (env.HAWK_REDIS_URL) log.warn({}, 'HAWK_REDIS_URL is not used: HAWK_LEADER_LEASE elects the leader');
    const kubeconfig = options.leaseKubeConfig ?? defaultKubeConfig(env);
    return { leadership: createElector(createLeaseLockFromKubeConfig(kubeconfig, lease), election), lockName: { kind: 'lease', name: env.HAWK_LEADER_LEASE! } };
  }
  if (env.HAWK_REDIS_URL) {
    const key = `${options.redisPrefix ?? 'hawk'}:leader`;
    // No offline queue: a command while Redis is away fails at once (the lock is unreachable) rather than waiting.
    const redis: RedisClient = createClient({ url: env.HAWK_REDIS_URL, disableOfflineQueue: true, socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) } });
    // Logged without the URL: it may carry a password.
    redis.on('error', (error: Error) => log.warn({ err: { message: error.message } }, 'redis connection error'));
    redis.connect().catch((error: unknown) => log.warn({ err: { message: (error as Error).message } }, 'redis not connected'));
    return { leadership: createElector(createRedisLock(redis, key), election), lockName: { kind: 'redis', name: key }, redis };
  }
  return { leadership: createSoloLeadership(env.HAWK_REPLICA_ID) };
}

/**
 * createAlerts sends findings to HAWK_ALERTMANAGER_URL (every replica: Alertmanager deduplicates by
 * labels) and HAWK_WEBHOOK_URL (the elected replica only); undefined when neither is set.
 */
function createAlerts(env: HawkEnv, hub: ClusterHub, leadership: Leadership, options: AppOptions, log: FastifyBaseLogger) {
  const sinks: AlertSink[] = [];
  if (env.HAWK_ALERTMANAGER_URL) sinks.push(createAlertmanagerSink({ url: env.HAWK_ALERTMANAGER_URL }));
  if (env.HAWK_WEBHOOK_URL) sinks.push(createWebhookSink({ url: env.HAWK_WEBHOOK_URL }));
  if (sinks.length === 0) return undefined;
  const dispatcher = createAlertDispatcher({ hub, sinks, actsAlone: () => mustActAlone(leadership), ...(options.alertRepeatMs !== undefined ? { repeatFiringMs: options.alertRepeatMs } : {}), log });
  // A holder that stopped renewing may have died before sending: the window it could have been dead in.
  const takeoverWindowMs = (options.election?.leaseDurationMs ?? DEFAULT_LEASE_MS) + (options.election?.retryPeriodMs ?? DEFAULT_RETRY_MS);
  leadership.onChange((leading, takeover) => {
    if (leading) dispatcher.tookOver(takeover, takeoverWindowMs);
  });
  return dispatcher;
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
