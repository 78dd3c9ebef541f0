import fp from 'fastify-plugin';
import type { ClusterHub, SourceStats } from '../hub/index';
import type { AppOptions } from './app-options';

/** A hub may count watch restarts; it is an optional member, not part of the seam. */
export type HubWithStats = ClusterHub & { sourceStats?: () => readonly SourceStats[] };

declare module 'fastify' {
  interface FastifyInstance {
    hawkHub: HubWithStats;
  }
}

/** The clusters' sources, built with the app's logger; the replication plugin starts and stops them. */
export const hubPlugin = fp<AppOptions>(
  async (app, options) => {
    app.decorate('hawkHub', (typeof options.hub === 'function' ? options.hub(app.log) : options.hub) as HubWithStats);
  },
  { name: 'hawk-hub', fastify: '5.x' },
);
