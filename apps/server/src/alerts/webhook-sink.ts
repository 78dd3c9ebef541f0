import { boundedLines, failedDelivery, type AlertNotice, type AlertSink } from './alert-notice';
import { SERVER_DEFAULTS } from '../defaults';

export interface WebhookSinkOptions {
  /** A Slack-compatible incoming-webhook URL (Slack, Mattermost, Rocket.Chat accept `{ text }`). */
  readonly url: string;
  /** The cluster's page in hawk for a notice, linked from its line. */
  readonly linkFor?: (notice: AlertNotice) => string;
  /** One delivery's timeout (ms, default SERVER_DEFAULTS.alertSinkTimeoutMs). */
  readonly timeoutMs?: number;
}

const SEVERITY_MARK: Readonly<Record<string, string>> = {
  critical: ':red_circle:',
  warning: ':large_orange_diamond:',
  info: ':information_source:',
};

/**
 * Slack's message text is cut at 40,000 characters and a long one is unreadable in a channel
 * anyway: a message stays well under that, and whole lines are dropped (never half an entity).
 */
export const WEBHOOK_TEXT_LIMIT = 3_500;
/** Longest incident summary in a message: it rides with its resolve line, inside the message's own limit. */
const SUMMARY_LIMIT = 2_000;
/** Longest title, evidence or remediation kept in one line: a finding's evidence may quote any value. */
const FIELD_LIMIT = 400;

/**
 * Slack's control characters: text with `<`, `>` or `&` could otherwise make a link or a mention
 * (`<!channel>`, `<@U123>`) out of a cluster name, a holder identity or an error an apiserver returned.
 */
export const escapeSlack = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const cut = (text: string, limit = FIELD_LIMIT): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;

/** A link Slack renders as `label`: `|` and `>` would end the URL early, so they are percent-encoded. */
const slackLink = (url: string, label: string): string =>
  `<${escapeSlack(url.replace(/\|/g, '%7C').replace(/>/g, '%3E'))}|${label}>`;

/** The summary is Markdown: in a code block Slack shows it as written, and escaping keeps it from mentioning anyone. */
function summaryBlock(markdown: string): string {
  const fence = '```';
  const bounded = boundedLines(
    markdown.replaceAll(fence, "'''"),
    SUMMARY_LIMIT,
    '… (cut: the full summary is in hawk)',
  );
  return `${fence}\n${escapeSlack(bounded)}\n${fence}`;
}

function formatLine(notice: AlertNotice, linkFor?: (notice: AlertNotice) => string): string {
  const { finding } = notice;
  const mark =
    notice.state === 'resolved'
      ? ':white_check_mark: RESOLVED'
      : `${SEVERITY_MARK[finding.severity] ?? ''} ${finding.severity.toUpperCase()}`;
  const evidence = cut(
    Object.entries(finding.evidence)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(', '),
  );
  const link = linkFor ? ` ${slackLink(linkFor(notice), 'open in hawk')}` : '';
  const todo = notice.state === 'firing' ? `\n> ${escapeSlack(cut(finding.remediation))}` : '';
  const summary = notice.incidentSummary ? `\n${summaryBlock(notice.incidentSummary)}` : '';
  const title = escapeSlack(cut(finding.title));
  const cluster = escapeSlack(cut(notice.clusterName, 128));
  return `${mark} [${cluster}] ${title}${evidence ? ` (${escapeSlack(evidence)})` : ''}${link}${todo}${summary}`;
}

/**
 * One line per notice: severity, cluster, title, evidence and a link to the cluster's page, so the
 * message stands on its own. Everything taken from a cluster is escaped; lines past the size limit
 * are counted instead of sent.
 */
export function formatWebhookText(notices: readonly AlertNotice[], linkFor?: (notice: AlertNotice) => string): string {
  const lines: string[] = [];
  let length = 0;
  for (const [index, notice] of notices.entries()) {
    const line = formatLine(notice, linkFor);
    const rest = notices.length - index;
    // Room for the line and, if more would follow, the "n more" note.
    const reserve = rest > 1 ? 80 : 0;
    if (lines.length > 0 && length + line.length + 1 + reserve > WEBHOOK_TEXT_LIMIT) {
      lines.push(`… and ${rest} more; open hawk for the full list.`);
      break;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return lines.join('\n');
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
        signal: AbortSignal.timeout(options.timeoutMs ?? SERVER_DEFAULTS.alertSinkTimeoutMs),
      });
      // The URL is a secret (it is the credential): never in the error.
      if (!response.ok) throw await failedDelivery('webhook', response);
    },
  };
}
