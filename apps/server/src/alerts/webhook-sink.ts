import type { AlertNotice, AlertSink } from './alert-notice';

export interface WebhookSinkOptions {
  /** A Slack-compatible incoming-webhook URL (Slack, Mattermost, Rocket.Chat accept `{ text }`). */
  readonly url: string;
  readonly linkFor?: (notice: AlertNotice) => string;
  readonly timeoutMs?: number;
}

const SEVERITY_MARK: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  warning: ':large_orange_diamond:',
  info: ':information_source:',
};

/** Formats one line per notice: severity, cluster, title and the evidence, so the message stands on its own. */
export function formatWebhookText(notices: readonly AlertNotice[], linkFor?: (notice: AlertNotice) => string): string {
  return notices
    .map((notice) => {
      const { finding } = notice;
      const mark =
        notice.state === 'resolved'
          ? ':white_check_mark: RESOLVED'
          : `${SEVERITY_MARK[finding.severity] ?? ''} ${finding.severity.toUpperCase()}`;
      const evidence = Object.entries(finding.evidence)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ');
      const link = linkFor ? ` <${linkFor(notice)}|open>` : '';
      const todo = notice.state === 'firing' ? `\n> ${finding.remediation}` : '';
      return `${mark} [${notice.clusterName}] ${finding.title}${evidence ? ` (${evidence})` : ''}${link}${todo}`;
    })
    .join('\n');
}

export function createWebhookSink(options: WebhookSinkOptions): AlertSink {
  return {
    name: 'webhook',
    elected: true,
    async send(notices) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: formatWebhookText(notices, options.linkFor) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    },
  };
}
