import type { FastifyInstance } from 'fastify';
import { SERVER_DEFAULTS } from '../defaults';

/** Routes polled by machines (the web's /livez every 2 s, kubelets, Prometheus): routine answers log at debug. */
const POLLED_ROUTES = new Set(['/livez', '/readyz', '/metrics']);

/**
 * One line per request, at a level an operator can keep at info: routine answers (health probes, scrapes, any
 * quick success) at debug, a failed (4xx/5xx) or slow request at info or above. Replaces Fastify's two info lines
 * per request (disableRequestLogging in app.ts), which made ~86,000 lines a day per web replica from /livez alone.
 */
export function logRequests(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime);
    const route = request.routeOptions.url;
    const details = { method: request.method, url: request.url, status, ms };
    if (status >= 500) request.log.error(details, 'request failed');
    else if (status >= 400) request.log.info(details, 'request refused');
    else if (ms >= SERVER_DEFAULTS.slowRequestMs)
      request.log.info(details, POLLED_ROUTES.has(route ?? '') ? 'probe slow' : 'request slow');
    else request.log.debug(details, POLLED_ROUTES.has(route ?? '') ? 'probe' : 'request');
  });
}
