import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

const Readiness = Type.Object({
  ready: Type.Boolean(),
  replica: Type.String(),
  /** This replica performs the elected side effects (shared history writes, webhook notifications). */
  leader: Type.Boolean(),
  /** The replica holding hawk's own leader lock, as this replica last saw it. */
  leaderIdentity: Type.Union([Type.String(), Type.Null()]),
  /**
   * False while the lock's store (Redis, or the apiserver holding hawk's Lease) does not answer. The
   * replica still observes and serves (it stays ready); elected side effects then fall back to it.
   */
  leaderLockReachable: Type.Boolean(),
  clusters: Type.Integer(),
});

/** Probes for hawk's own orchestrator; unauthenticated and not rate-limited, like a kubelet expects. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { replica, leadership, states } = app.hawk;
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
    async (_request, reply) => {
      const body = {
        ready: replica.ready(),
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
