import { Counter, Gauge, type Registry } from 'prom-client';

export interface AlertMetricsInputs {
  /** The sinks this replica sends findings to (alertmanager, webhook). */
  readonly sinks: readonly string[];
  readonly stats: () => {
    readonly sent: number;
    readonly failed: number;
    readonly dropped: number;
    readonly queued: number;
  };
}

/**
 * hawk's own alerting, read at scrape time. `hawk_alert_sink_enabled{sink="alertmanager"}` is what the
 * shipped Prometheus rules read to step aside: with hawk pushing its findings to Alertmanager, the
 * rules' cluster alerts would page the same condition a second time (deploy/prometheus/hawk-rules.yaml).
 */
export function registerAlertMetrics(registry: Registry, inputs: AlertMetricsInputs): void {
  new Gauge({
    name: 'hawk_alert_sink_enabled',
    help: 'A destination this replica sends findings to (1): alertmanager (every replica) or webhook (the leader).',
    labelNames: ['sink'],
    registers: [registry],
    collect() {
      this.reset();
      for (const sink of inputs.sinks) this.set({ sink }, 1);
    },
  });
  new Gauge({
    name: 'hawk_alert_notices_queued',
    help:
      'Notices waiting for delivery, over every sink: at most one per finding and sink, so flat while a sink is ' +
      'down.',
    registers: [registry],
    collect() {
      this.set(inputs.stats().queued);
    },
  });
  const counters = [
    ['hawk_alert_notices_sent_total', 'Notices delivered.', 'sent'],
    ['hawk_alert_notices_failed_total', 'Notices in failed delivery attempts (each attempt counts).', 'failed'],
    [
      'hawk_alert_notices_dropped_total',
      'Notices given up: refused by the receiver (4xx) or out of a full queue.',
      'dropped',
    ],
  ] as const;
  for (const [name, help, key] of counters)
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(inputs.stats()[key]);
      },
    });
}
