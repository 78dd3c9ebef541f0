import type { FastifyInstance } from 'fastify';
import { bearerToken, tokenMatches } from '../security/bearer-token';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a token (health probes). */
    public?: boolean;
  }
}

/** Requires `Authorization: Bearer <HAWK_TOKEN>` on every route not marked public. */
export function requireBearerToken(app: FastifyInstance, token: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    if (tokenMatches(token, bearerToken(request.headers.authorization))) return;
    return reply.code(401).header('www-authenticate', 'Bearer realm="hawk"').send({ statusCode: 401, error: 'Unauthorized', message: 'a bearer token is required' });
  });
}
