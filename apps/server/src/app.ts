import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { logRequests } from './http/request-log';
import type { AppOptions } from './plugins/app-options';
import { alertsPlugin } from './plugins/alerts';
import { externalPlugins } from './plugins/external';
import { historyPlugin } from './plugins/history';
import { hubPlugin } from './plugins/hub';
import { leadershipPlugin } from './plugins/leadership';
import { metricsPlugin } from './plugins/metrics';
import { pushPlugin } from './plugins/push';
import { replicationPlugin } from './plugins/replication';
import { routesPlugin } from './plugins/routes';

export type { AppOptions } from './plugins/app-options';

/**
 * serviceApp is hawk's backend, laid out as fastify-demo's app.ts: the external (ecosystem) plugins
 * first, then hawk's own plugins, each named with its `dependencies` (fastify-plugin checks them at
 * boot), then the routes. Each plugin decorates one part; none chooses another's.
 */
export const serviceApp: FastifyPluginAsync<AppOptions> = async (app, options) => {
  // 1. External: security headers, Host guard, CORS, rate limits, OpenAPI, authentication.
  await app.register(externalPlugins, options);
  // 2. hawk's parts. Every replica observes; the lock elects only side effects. Closed in reverse.
  await app.register(hubPlugin, options);
  await app.register(historyPlugin, options);
  await app.register(leadershipPlugin, options);
  await app.register(pushPlugin, options);
  await app.register(metricsPlugin, options);
  await app.register(replicationPlugin, options);
  await app.register(alertsPlugin, options);
  // 3. Routes.
  await app.register(routesPlugin);
};

/** A Fastify instance with hawk registered; `server.ts` only listens on it. */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: options.env.HAWK_LOG_LEVEL,
      // Belt and braces: nothing hawk logs carries these, and nothing that does should leak.
      redact: {
        paths: ['req.headers.authorization', '*.token', '*.auth', '*.password', '*.kubeconfig', '*.key', '*.cert'],
        censor: '[redacted]',
      },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    // The socket handshake and REST share the port; trust no proxy header unless deployed behind one.
    trustProxy: false,
    // Fastify's two info lines per request would log every health poll: http/request-log.ts logs one, by outcome.
    logController: new LogController({ disableRequestLogging: true }),
  });
  logRequests(app);
  // Not encapsulated: the instance server.ts (and a bench) holds is hawk's, decorators included.
  await app.register(fp(serviceApp, { name: 'hawk', fastify: '5.x' }), options);
  return app;
}
