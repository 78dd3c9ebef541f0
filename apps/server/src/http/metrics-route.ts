// Route schema fields (summary, tags) are typed by the OpenAPI plugin's augmentation.
import type {} from '@fastify/swagger';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

/** Prometheus exposition of hawk's own registry. */
export const metricsRoute: FastifyPluginAsyncTypebox = async (app) => {
  const { registry } = app.hawk.metrics;
  app.get(
    '/metrics',
    {
      config: { rateLimit: false, metrics: true },
      schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['health'], produces: ['text/plain'] },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
};
