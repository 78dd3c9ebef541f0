import { createApp } from './app';
import { assertSafeBinding, EnvError, loadEnv } from './env';
import { createClusterHub } from './hub/index';

// Only listening lives here; everything else is the app plugin (app.ts).
try {
  const env = loadEnv();
  assertSafeBinding(env);
  const app = await createApp({ env, hub: (logger) => createClusterHub({ logger }) });
  const url = await app.listen({ port: env.PORT, host: env.HOST });
  app.log.info({ url, replica: env.HAWK_REPLICA_ID, replicas: env.HAWK_REDIS_URL ? 'several (redis)' : 'one' }, `hawk listening on ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
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
