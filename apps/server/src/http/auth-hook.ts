import type { FastifyInstance } from 'fastify';
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
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
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
  });
}
