import type { FastifyInstance } from 'fastify';
import { createApp } from './app';
import { SERVER_DEFAULTS } from './defaults';
import { assertSafeBinding, commaList, EnvError, loadEnv, type HawkEnv } from './env';
import { createClusterHub } from './hub/index';

/** What an operator reads first: what this replica watches, how replicas elect, where history goes, who may ask. */
function startupSummary(env: HawkEnv, app: FastifyInstance, url: string): Record<string, unknown> {
  return {
    url,
    replica: env.HAWK_REPLICA_ID,
    clusters: app.hawkHub.list().map((state) => state.identity.name),
    leaseNamespaces: ['kube-system', ...commaList(env.HAWK_LEASE_NAMESPACES)],
    probeIntervalMs: env.HAWK_PROBE_INTERVAL_MS,
    election: env.HAWK_LEADER_LEASE
      ? `lease ${env.HAWK_LEADER_LEASE}`
      : env.HAWK_REDIS_URL
        ? 'redis lock'
        : 'none (one replica)',
    history: env.HAWK_DATABASE_URL ? 'postgresql' : `sqlite ${env.HAWK_DB}`,
    access:
      [
        ...(env.HAWK_TOKEN ? ['bearer token'] : []),
        ...(env.HAWK_TRUSTED_PROXY_HEADER ? [`trusted proxy header ${env.HAWK_TRUSTED_PROXY_HEADER}`] : []),
      ].join(', ') || 'open',
  };
}

// Only listening lives here; everything else is the app plugin (app.ts).
try {
  const env = loadEnv();
  assertSafeBinding(env);
  const app = await createApp({ env, hub: (logger) => createClusterHub({ env, logger }) });
  const url = await app.listen({ port: env.PORT, host: env.HOST });
  app.log.info(startupSummary(env, app, url), `hawk listening on ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      // A close that hangs (a lock call, a database) must not leave a process behind that nobody watches.
      setTimeout(() => {
        app.log.error(
          { signal, afterMs: SERVER_DEFAULTS.shutdownDeadlineMs },
          'shutdown did not finish: exiting anyway',
        );
        process.exit(1);
      }, SERVER_DEFAULTS.shutdownDeadlineMs).unref();
      void app.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  // A bad variable is the operator's to fix: say which, without a stack trace.
  if (error instanceof EnvError) {
    console.error(`hawk: ${error.message}`);
    process.exit(2);
  }
  // Nothing to watch (no kubeconfig, a bad config file): the message says what to fix.
  console.error(`hawk: cannot start: ${(error as Error).message}`);
  process.exit(1);
}
