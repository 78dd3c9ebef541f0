import fp from 'fastify-plugin';
import { createAlertDispatcher, createAlertmanagerSink, createWebhookSink, type AlertSink } from '../alerts';
import { mustActAlone } from '../replication/leadership';
import type { AppOptions } from './app-options';

/** Default elector timings (ms), as in elector.ts: what a takeover's re-send window is computed from. */
const DEFAULT_LEASE_MS = 10_000;
const DEFAULT_RETRY_MS = 2_000;

/**
 * Sends findings to HAWK_ALERTMANAGER_URL (every replica: Alertmanager deduplicates by labels) and
 * HAWK_WEBHOOK_URL (the elected replica only); nothing when neither is set.
 */
export const alertsPlugin = fp<AppOptions>(
  async (app, options) => {
    const { env } = options;
    const sinks: AlertSink[] = [];
    if (env.HAWK_ALERTMANAGER_URL) sinks.push(createAlertmanagerSink({ url: env.HAWK_ALERTMANAGER_URL }));
    if (env.HAWK_WEBHOOK_URL) sinks.push(createWebhookSink({ url: env.HAWK_WEBHOOK_URL }));
    if (sinks.length === 0) return;
    const { leadership } = app.hawkLeadership;
    const dispatcher = createAlertDispatcher({
      hub: app.hawkHub,
      sinks,
      actsAlone: () => mustActAlone(leadership),
      ...(options.alertRepeatMs !== undefined ? { repeatFiringMs: options.alertRepeatMs } : {}),
      log: app.log,
    });
    // A holder that stopped renewing may have died before sending: the window it could have been dead in.
    const takeoverWindowMs =
      (options.election?.leaseDurationMs ?? DEFAULT_LEASE_MS) + (options.election?.retryPeriodMs ?? DEFAULT_RETRY_MS);
    leadership.onChange((leading, takeover) => {
      if (leading) dispatcher.tookOver(takeover, takeoverWindowMs);
    });
    app.addHook('onClose', async () => {
      dispatcher.stop();
    });
  },
  { name: 'hawk-alerts', fastify: '5.x', dependencies: ['hawk-hub', 'hawk-leadership'] },
);
