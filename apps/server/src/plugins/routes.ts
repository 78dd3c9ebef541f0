import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { clusterRoutes } from '../http/cluster-routes';
import { healthRoutes } from '../http/health-routes';
import { metricsRoute } from '../http/metrics-route';

/** REST: probes, /metrics, the clusters and the OpenAPI document; they read `app.hawk`. */
export const routesPlugin = fp(
  async (app) => {
    const routes = app.withTypeProvider<TypeBoxTypeProvider>();
    await routes.register(healthRoutes);
    await routes.register(metricsRoute);
    await routes.register(clusterRoutes);
    routes.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'hawk-routes', fastify: '5.x', dependencies: ['hawk-external', 'hawk-replication'] },
);
