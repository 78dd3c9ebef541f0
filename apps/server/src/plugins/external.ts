import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import { requireAuthentication } from '../http/auth-hook';
import { createAuthenticator, type Authenticator } from '../security/authenticator';
import { createClientAddressing, type ClientAddressing } from '../security/client-address';
import { createRequestOriginPolicy, type RequestOriginPolicy } from '../security/request-origin';
import { createTrustedProxy } from '../security/trusted-proxy';
import type { AppOptions } from './app-options';

/** Who may ask, from where: what REST (here) and the socket handshake (push.ts) both check. */
export interface HawkGuards {
  readonly origins: RequestOriginPolicy;
  readonly authenticator: Authenticator;
  /** The client a request stands for (X-Forwarded-For from hawk's web only), for per-client limits. */
  readonly clients: ClientAddressing;
}

declare module 'fastify' {
  interface FastifyInstance {
    hawkGuards: HawkGuards;
  }
}

/**
 * The ecosystem plugins, first as in fastify-demo's plugins/external: security headers, the Host guard,
 * CORS, rate limits, OpenAPI, and authentication of every request.
 */
export const externalPlugins = fp<AppOptions>(
  async (app, { env }) => {
    await app.register(helmet);
    const origins = createRequestOriginPolicy(env.HAWK_WEB_ORIGIN, env.HAWK_ALLOWED_HOSTS);
    // DNS rebinding: a page whose name re-binds to hawk's address sends its own name as Host.
    app.addHook('onRequest', async (request, reply) => {
      if (origins.hostAllowed(request.headers.host)) return;
      return reply.code(421).send({
        statusCode: 421,
        error: 'Misdirected Request',
        message: 'this host name is not one hawk serves (HAWK_ALLOWED_HOSTS)',
      });
    });
    // A list, not a string: the header is then sent only to those origins rather than to every caller.
    await app.register(cors, {
      origin: [...origins.webOrigins],
      methods: ['GET', 'HEAD'],
      allowedHeaders: ['authorization', 'content-type'],
    });
    const clients = createClientAddressing(env.HAWK_WEB_PROXY_CIDRS);
    // Per browser behind the web, not per web pod. Its hook is added to each route before authentication's
    // (auth-hook.ts), so refused requests count too: a token cannot be guessed at the full request rate.
    await app.register(rateLimit, {
      max: env.HAWK_RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (request) => clients.clientOf(request.socket.remoteAddress, request.headers),
    });
    await app.register(swagger, {
      openapi: {
        info: { title: 'hawk', description: 'HA watch for Kubernetes control planes', version: '0.1.0' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        ...(env.HAWK_TOKEN ? { security: [{ bearer: [] }] } : {}),
      },
    });
    const authenticator = createAuthenticator({
      token: env.HAWK_TOKEN,
      trustedProxy:
        env.HAWK_TRUSTED_PROXY_HEADER && env.HAWK_TRUSTED_PROXY_CIDRS
          ? createTrustedProxy(env.HAWK_TRUSTED_PROXY_HEADER, env.HAWK_TRUSTED_PROXY_CIDRS)
          : undefined,
    });
    if (authenticator.required || env.HAWK_METRICS_TOKEN)
      requireAuthentication(app, authenticator, env.HAWK_METRICS_TOKEN);
    app.decorate('hawkGuards', { origins, authenticator, clients } satisfies HawkGuards);
  },
  { name: 'hawk-external', fastify: '5.x' },
);
