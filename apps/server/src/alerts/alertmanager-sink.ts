import { boundedLines, failedDelivery, type AlertNotice, type AlertSink } from './alert-notice';
import { runbookUrl } from './runbooks';
import { SERVER_DEFAULTS } from '../defaults';

export interface AlertmanagerSinkOptions {
  /** Base URL of Alertmanager, e.g. http://alertmanager:9093. */
  readonly url: string;
  /** The cluster's page in hawk for a notice, sent as generatorURL (Alertmanager's "Source" link). */
  readonly linkFor?: (notice: AlertNotice) => string;
  /** Where docs/runbooks/ is published (default: the repository's docs/runbooks on GitHub). */
  readonly runbookBaseUrl?: string;
  /** One delivery's timeout (ms, default SERVER_DEFAULTS.alertSinkTimeoutMs). */
  readonly timeoutMs?: number;
}

/**
 * The alertname of a finding: its rule id under the Hawk prefix every hawk alert carries, once
 * (the rule HawkSourceStale stays HawkSourceStale).
 */
/** Longest incident summary an annotation carries: Alertmanager keeps annotations in memory, per alert. */
export const SUMMARY_ANNOTATION_LIMIT = 4_000;

export const alertNameOf = (ruleId: string): string => (ruleId.startsWith('Hawk') ? ruleId : `Hawk${ruleId}`);

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
      const body = notices.map((notice) => {
        const alertname = alertNameOf(notice.finding.ruleId);
        return {
          labels: {
            alertname,
            severity: notice.finding.severity,
            cluster: notice.clusterId,
            cluster_name: notice.clusterName,
            component: notice.finding.component,
            finding_id: notice.finding.id,
            // An early warning says so, for routes that must not page on what is only foreseen.
            ...(notice.finding.kind === 'expected' ? { kind: 'expected' } : {}),
          },
          annotations: {
            summary: notice.finding.title,
            description: notice.finding.remediation,
            evidence: JSON.stringify(notice.finding.evidence),
            runbook_url: runbookUrl(alertname, options.runbookBaseUrl),
            ...(notice.incidentSummary
              ? {
                  incident_summary: boundedLines(
                    notice.incidentSummary,
                    SUMMARY_ANNOTATION_LIMIT,
                    '… (cut: the full summary is in hawk)',
                  ),
                }
              : {}),
          },
          startsAt: new Date(notice.finding.since).toISOString(),
          ...(notice.resolvedAt !== null ? { endsAt: new Date(notice.resolvedAt).toISOString() } : {}),
          ...(options.linkFor ? { generatorURL: options.linkFor(notice) } : {}),
        };
      });
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? SERVER_DEFAULTS.alertSinkTimeoutMs),
      });
      if (!response.ok) throw await failedDelivery('alertmanager', response);
    },
  };
}
