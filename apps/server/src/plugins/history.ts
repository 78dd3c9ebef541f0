import fp from 'fastify-plugin';
import type { HistoryRepository } from '../history/history-repository';
import { openPostgresHistory } from '../history/postgres-history';
import { openSqliteHistory } from '../history/sqlite-history';
import { timelineAtStart, type TimelineAtStart } from '../history/timeline-at-start';
import type { AppOptions } from './app-options';

export interface HawkHistory {
  readonly repository: HistoryRepository;
  /** One database for every replica (HAWK_DATABASE_URL): only the elected replica writes it. */
  readonly shared: boolean;
  /** The stored timeline as this process found it, read once for the replica and the alert dispatcher. */
  readonly atStart: TimelineAtStart;
}

declare module 'fastify' {
  interface FastifyInstance {
    hawkHistory: HawkHistory;
  }
}

/**
 * History: the given repository, else PostgreSQL at HAWK_DATABASE_URL, else the SQLite file at HAWK_DB; closed last.
 */
export const historyPlugin = fp<AppOptions>(
  async (app, options) => {
    const { env } = options;
    const repository =
      options.history ??
      (env.HAWK_DATABASE_URL
        ? await openPostgresHistory({ url: env.HAWK_DATABASE_URL, log: app.log })
        : openSqliteHistory({ path: env.HAWK_DB }));
    app.decorate('hawkHistory', {
      repository,
      shared: options.history === undefined && env.HAWK_DATABASE_URL !== undefined,
      // Taken before the hub starts: nothing this process judges is stored by then.
      atStart: timelineAtStart(repository, Date.now()),
    } satisfies HawkHistory);
    app.addHook('onClose', async () => {
      await repository.close();
    });
  },
  { name: 'hawk-history', fastify: '5.x' },
);
