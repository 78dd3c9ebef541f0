import fp from 'fastify-plugin';
import {
  clusterPageLink,
  createAlertDispatcher,
  createAlertmanagerSink,
  createWebhookSink,
  type AlertSink,
} from '../alerts';
import { SERVER_DEFAULTS } from '../defaults';
import { registerAlertMetrics } from '../metrics/alert-metrics';
import { mustActAlone } from '../replication/leadership';
import type { AppOptions } from './app-options';

/**
 * Sends findings to HAWK_ALERTMANAGER_URL (every replica: Alertmanager deduplicates by labels) and
 * HAWK_WEBHOOK_URL (the elected replica only); nothing when neither is set. With HAWK_PUBLIC_URL, both
 * link each alert to its cluster's page (Alertmanager's generatorURL, the chat line's link). Which sinks are on is
 * exported (hawk_alert_sink_enabled) so the shipped Prometheus rules do not page a finding twice.
 */
export const alertsPlugin = fp<AppOptions>(
  async (app, options) => {
    const { env } = options;
    const linkFor = env.HAWK_PUBLIC_URL ? clusterPageLink(env.HAWK_PUBLIC_URL) : undefined;
    const sinks: AlertSink[] = [];
    if (env.HAWK_ALERTMANAGER_URL)
      sinks.push(
        createAlertmanagerSink({
          url: env.HAWK_ALERTMANAGER_URL,
          ...(linkFor ? { linkFor } : {}),
          ...(env.HAWK_RUNBOOK_BASE_URL ? { runbookBaseUrl: env.HAWK_RUNBOOK_BASE_URL } : {}),
        }),
      );
    if (env.HAWK_WEBHOOK_URL)
      sinks.push(createWebhookSink({ url: env.HAWK_WEBHOOK_URL, ...(linkFor ? { linkFor } : {}) }));
    if (sinks.length === 0) return;
    const { leadership } = app.hawkLeadership;
    const dispatcher = createAlertDispatcher({
      hub: app.hawkHub,
      sinks,
      actsAlone: () => mustActAlone(leadership),
      // An incident open when this replica (re)started is told whole, as /incidents tells it.
      storedTimeline: {
        atStart: app.hawkHistory.atStart,
        clusterIds: app.hawkHub.list().map((state) => state.identity.id),
      },
      ...(options.alertRepeatMs !== undefined ? { repeatFiringMs: options.alertRepeatMs } : {}),
      log: app.log,
    });
    registerAlertMetrics(app.hawkMetrics.registry, { sinks: sinks.map((sink) => sink.name), stats: dispatcher.stats });
    // A holder that stopped renewing may have died before sending: the window it could have been dead in.
    const takeoverWindowMs =
      (options.election?.leaseDurationMs ?? SERVER_DEFAULTS.electorLeaseDurationMs) +
      (options.election?.retryPeriodMs ?? SERVER_DEFAULTS.electorRetryPeriodMs);
    leadership.onChange((leading, takeover) => {
      if (leading) dispatcher.tookOver(takeover, takeoverWindowMs);
    });
    app.addHook('onClose', async () => {
      dispatcher.stop();
    });
  },
  {
    name: 'hawk-alerts',
    fastify: '5.x',
    dependencies: ['hawk-hub', 'hawk-history', 'hawk-leadership', 'hawk-metrics'],
  },
);
