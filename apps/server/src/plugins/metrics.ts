import fp from 'fastify-plugin';
import { createMetrics, type HawkMetrics } from '../metrics/registry';
import type { AppOptions } from './app-options';

declare module 'fastify' {
  interface FastifyInstance {
    hawkMetrics: HawkMetrics;
  }
}

/** Prometheus metrics of the clusters, the watches, the sockets and the election, read at scrape time. */
export const metricsPlugin = fp<AppOptions>(
  async (app) => {
    const hub = app.hawkHub;
    const { states, push } = app.hawkPush;
    const { leadership, lockName } = app.hawkLeadership;
    const metrics = createMetrics({
      clusters: () => states.list().map((entry) => entry.state),
      sourceStats: typeof hub.sourceStats === 'function' ? () => hub.sourceStats?.() ?? [] : undefined,
      socketClients: push.localClients,
      replica: leadership,
      ...(lockName ? { replicaLock: { ...lockName, holder: leadership.holder } } : {}),
      processMetrics: true,
    });
    app.decorate('hawkMetrics', metrics);
  },
  { name: 'hawk-metrics', fastify: '5.x', dependencies: ['hawk-hub', 'hawk-push', 'hawk-leadership'] },
);
