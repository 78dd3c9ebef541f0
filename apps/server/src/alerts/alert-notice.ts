import type { Finding } from '@hawk/core';

/** One finding opening or resolving in one cluster: what every sink formats its own way. */
export interface AlertNotice {
  readonly clusterId: string;
  /** The cluster's name when the finding opened (ClusterIdentity.name): its resolve carries the same labels. */
  readonly clusterName: string;
  readonly state: 'firing' | 'resolved';
  readonly finding: Finding;
  /** When the finding resolved (epoch ms); null while firing. */
  readonly resolvedAt: number | null;
  /** On the resolve that ended an incident: its Markdown summary, written by core from the timeline. */
  readonly incidentSummary?: string;
}

/** Whole lines of `text` within `limit` characters, with a note when some were left out (never half a line). */
export function boundedLines(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const kept: string[] = [];
  let length = note.length + 1;
  for (const line of text.split('\n')) {
    if (length + line.length + 1 > limit) break;
    kept.push(line);
    length += line.length + 1;
  }
  return [...kept, note].join('\n');
}

/** A destination for notices. `send` rejects on delivery failure so the dispatcher can count and retry. */
export interface AlertSink {
  readonly name: string;
  /**
   * The receiver cannot deduplicate (a chat webhook): only the replica elected for side effects
   * sends to it. Alertmanager deduplicates by labels, so every replica sends there and losing any
   * one replica loses no alert.
   */
  readonly elected: boolean;
  send(notices: readonly AlertNotice[]): Promise<void>;
}

/**
 * A delivery that failed. `retryable` says whether sending the same batch again may succeed: a
 * refusal of the request itself (4xx: a bad payload, a revoked webhook) fails again however often
 * it is repeated, so it is dropped instead of re-queued for ever.
 */
export class SinkDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'SinkDeliveryError';
  }
}

/**
 * As Alertmanager's notify.Retrier: server errors (5xx) are worth retrying, client errors (4xx) are
 * not, except 408 (timeout) and 429 (rate limited), which say "later" rather than "never".
 */
export const isRetryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** Turns a non-2xx answer into a SinkDeliveryError that says whether to retry. */
export async function failedDelivery(sink: string, response: Response): Promise<SinkDeliveryError> {
  const detail = (await response.text().catch(() => '')).slice(0, 200);
  return new SinkDeliveryError(
    `${sink} answered ${response.status}${detail ? `: ${detail}` : ''}`,
    isRetryableStatus(response.status),
  );
}

/** A failure that is not a SinkDeliveryError (connection refused, timeout) may pass: retry. */
export const isRetryable = (error: unknown): boolean => !(error instanceof SinkDeliveryError) || error.retryable;
