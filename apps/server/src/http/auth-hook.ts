import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Authenticator } from '../security/authenticator';
import { bearerToken, tokenMatches } from '../security/bearer-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a token (health probes). */
    public?: boolean;
    /** The route is /metrics: HAWK_METRICS_TOKEN opens it (and nothing else). */
    metrics?: boolean;
  }
}

/**
 * Requires, on every route not marked public, `Authorization: Bearer <HAWK_TOKEN>` or the trusted
 * proxy's user header from a trusted peer (see security/authenticator.ts); /metrics also takes HAWK_METRICS_TOKEN.
 */
export function requireAuthentication(app: FastifyInstance, authenticator: Authenticator, metricsToken?: string): void {
  const refuse = (reply: FastifyReply) =>
    reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="hawk"')
      .send({ statusCode: 401, error: 'Unauthorized', message: 'a bearer token or a trusted proxy is required' });
  /** The principal's check; true when the request may go on (it is logged at debug when it names a user). */
  const admitted = (request: FastifyRequest): boolean => {
    // The socket's peer, not request.ip: a forwarded-for header must not make a stranger a proxy.
    const principal = authenticator.authenticate({
      peer: request.socket.remoteAddress,
      headers: request.headers,
      token: bearerToken(request.headers.authorization),
    });
    if (principal?.user) request.log.debug({ user: principal.user, via: principal.via }, 'authenticated');
    return principal !== null;
  };
  const authenticate: onRequestAsyncHookHandler = async (request, reply) => {
    if (authenticator.required && !admitted(request)) return refuse(reply);
  };
  // Prometheus's credential opens /metrics only; set, it guards /metrics even when the rest is open.
  const authenticateScrape: onRequestAsyncHookHandler = async (request, reply) => {
    if (metricsToken !== undefined && tokenMatches(metricsToken, bearerToken(request.headers.authorization))) return;
    if (authenticator.required ? !admitted(request) : metricsToken !== undefined) return refuse(reply);
  };
  // A route-level hook, appended after the rate limiter's (registered earlier, also per route): an app-level hook
  // would run first and answer 401 before the limiter counted the request.
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, route.config?.metrics ? authenticateScrape : authenticate];
  });
}
