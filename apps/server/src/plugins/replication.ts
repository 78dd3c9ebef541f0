import fp from 'fastify-plugin';
import type { HawkContext } from '../http/hawk-context';
import { createReplica } from '../replication/replica';
import type { AppOptions } from './app-options';

/**
 * One replica: every replica observes (its hub watches, probes and judges), the elected one alone
 * writes shared history. Decorates `hawk`, what routes read; the hub runs from ready to close.
 */
export const replicationPlugin = fp<AppOptions>(
  async (app, { env }) => {
    const { repository: history, shared, atStart } = app.hawkHistory;
    const { leadership } = app.hawkLeadership;
    const { states, push } = app.hawkPush;
    const metrics = app.hawkMetrics;
    const replica = createReplica({
      hub: app.hawkHub,
      leadership,
      states,
      history,
      storedAtStart: atStart,
      push,
      onAccepted: metrics.observeState,
      sharedHistory: shared,
      retentionMs: env.HAWK_HISTORY_RETENTION_HOURS * 3_600_000,
      log: app.log,
    });
    app.decorate('hawk', { states, history, leadership, replica, push, metrics } satisfies HawkContext);
    app.addHook('onReady', async () => {
      await replica.start();
    });
    // Runs before history and the lock close (onClose hooks run last-registered first).
    app.addHook('onClose', async () => {
      await replica.stop();
    });
  },
  {
    name: 'hawk-replication',
    fastify: '5.x',
    dependencies: ['hawk-hub', 'hawk-history', 'hawk-leadership', 'hawk-push', 'hawk-metrics'],
  },
);
