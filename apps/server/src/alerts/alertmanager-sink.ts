import type { AlertNotice, AlertSink } from './alert-notice';

export interface AlertmanagerSinkOptions {
  /** Base URL of Alertmanager, e.g. http://alertmanager:9093. */
  readonly url: string;
  /** Link back to hawk's UI for a cluster and finding, used as generatorURL. */
  readonly linkFor?: (notice: AlertNotice) => string;
  readonly timeoutMs?: number;
}

/**
 * Posts to Alertmanager's v2 API. Alertmanager deduplicates by label set and treats an alert as
 * resolved when endsAt passes, so firing alerts carry no endsAt and resolved ones carry the time.
 */
export function createAlertmanagerSink(options: AlertmanagerSinkOptions): AlertSink {
  const endpoint = new URL('/api/v2/alerts', options.url).toString();
  return {
    name: 'alertmanager',
    elected: false,
    async send(notices) {
      const body = notices.map((notice) => ({
        labels: {
          alertname: `Hawk${notice.finding.ruleId}`,
          severity: notice.finding.severity,
          cluster: notice.clusterId,
          cluster_name: notice.clusterName,
          component: notice.finding.component,
          finding_id: notice.finding.id,
        },
        annotations: {
          summary: notice.finding.title,
          description: notice.finding.remediation,
          evidence: JSON.stringify(notice.finding.evidence),
        },
        startsAt: new Date(notice.finding.since).toISOString(),
        ...(notice.resolvedAt !== null ? { endsAt: new Date(notice.resolvedAt).toISOString() } : {}),
        ...(options.linkFor ? { generatorURL: options.linkFor(notice) } : {}),
      }));
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (!response.ok)
        throw new Error(`alertmanager answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    },
  };
}
