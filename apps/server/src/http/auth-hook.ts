import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Authenticator } from '../security/authenticator';
import { bearerToken } from '../security/bearer-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a token (health probes). */
    public?: boolean;
  }
}

/**
 * Requires, on every route not marked public, `Authorization: Bearer <HAWK_TOKEN>` or the trusted
 * proxy's user header from a trusted peer (see security/authenticator.ts).
 */
export function requireAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  const authenticate: onRequestAsyncHookHandler = async (request, reply) => {
    // The socket's peer, not request.ip: a forwarded-for header must not make a stranger a proxy.
    const principal = authenticator.authenticate({
      peer: request.socket.remoteAddress,
      headers: request.headers,
      token: bearerToken(request.headers.authorization),
    });
    if (principal) {
      if (principal.user !== null) request.log.debug({ user: principal.user, via: principal.via }, 'authenticated');
      return;
    }
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="hawk"')
      .send({ statusCode: 401, error: 'Unauthorized', message: 'a bearer token or a trusted proxy is required' });
  };
  // A route-level hook, appended after the rate limiter's (registered earlier, also per route): an app-level hook
  // would run first and answer 401 before the limiter counted the request.
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const existing =
      route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...existing, authenticate];
  });
}
