import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../security/bearer-token';

/** What /readyz tells anyone: ready or not. The rest only to a caller who may read hawk (or when hawk is open). */
const Readiness = Type.Object({
  ready: Type.Boolean(),
  replica: Type.Optional(Type.String()),
  /** This replica performs the elected side effects (shared history writes, webhook notifications). */
  leader: Type.Optional(Type.Boolean()),
  /** The replica holding hawk's own leader lock, as this replica last saw it. */
  leaderIdentity: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /**
   * False while the lock's store (Redis, or the apiserver holding hawk's Lease) does not answer. The
   * replica still observes and serves (it stays ready); elected side effects then fall back to it.
   */
  leaderLockReachable: Type.Optional(Type.Boolean()),
  clusters: Type.Optional(Type.Integer()),
});

/** Probes for hawk's own orchestrator; unauthenticated and not rate-limited, like a kubelet expects. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { replica, leadership, states } = app.hawk;
  const { authenticator } = app.hawkGuards;
  /** Pod names and the leader's identity are for callers who may read hawk: the probe is open to anyone. */
  const mayReadDetails = (request: FastifyRequest) =>
    !authenticator.required ||
    authenticator.authenticate({
      peer: request.socket.remoteAddress,
      headers: request.headers,
      token: bearerToken(request.headers.authorization),
    }) !== null;
  const open = { rateLimit: false, public: true };

  app.get(
    '/livez',
    {
      config: open,
      schema: {
        summary: 'The process serves requests',
        tags: ['health'],
        response: { 200: Type.Object({ live: Type.Boolean() }) },
      },
    },
    async () => ({ live: true }),
  );

  app.get(
    '/readyz',
    {
      config: open,
      schema: {
        summary:
          "Every cluster's sources synced or failed once (this replica observes by itself), and hawk's own leadership",
        tags: ['health'],
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const ready = replica.ready();
      if (!mayReadDetails(request)) return reply.code(ready ? 200 : 503).send({ ready });
      const body = {
        ready,
        replica: leadership.identity,
        leader: leadership.isLeader(),
        leaderIdentity: leadership.holder(),
        leaderLockReachable: leadership.lockReachable(),
        clusters: states.list().length,
      };
      return reply.code(body.ready ? 200 : 503).send(body);
    },
  );
};
