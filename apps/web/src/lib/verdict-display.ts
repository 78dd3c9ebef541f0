import type { CertificateLevel, Severity, SourceState, Verdict } from '@hawk/core';

/**
 * How a verdict or severity is shown: a word, a tone (an Okabe–Ito colour in CSS) and a shape, so
 * no state is told by colour alone.
 */
export type Tone = 'ok' | 'warn' | 'spof' | 'bad' | 'hidden' | 'unknown' | 'info' | 'expected';
export type Shape = 'check' | 'triangle' | 'diamond' | 'cross' | 'dashed' | 'question' | 'dot' | 'clock';

export interface Display {
  readonly label: string;
  readonly tone: Tone;
  readonly shape: Shape;
}

export const VERDICT_DISPLAY: Readonly<Record<Verdict, Display>> = {
  'ha-ok': { label: 'HA ok', tone: 'ok', shape: 'check' },
  degraded: { label: 'degraded', tone: 'warn', shape: 'triangle' },
  spof: { label: 'SPOF', tone: 'spof', shape: 'diamond' },
  down: { label: 'down', tone: 'bad', shape: 'cross' },
  'not-visible': { label: 'not visible', tone: 'hidden', shape: 'dashed' },
  unknown: { label: 'unknown', tone: 'unknown', shape: 'question' },
};

export const SEVERITY_DISPLAY: Readonly<Record<Severity, Display>> = {
  critical: { label: 'critical', tone: 'bad', shape: 'cross' },
  warning: { label: 'warning', tone: 'warn', shape: 'triangle' },
  info: { label: 'info', tone: 'info', shape: 'dot' },
};

/**
 * An expected finding (an early warning core judged): its own calm tone and a clock, whatever its severity, so what is
 * only foreseen never looks like what is broken.
 */
export const EXPECTED_DISPLAY: Display = { label: 'expected', tone: 'expected', shape: 'clock' };

/** A certificate's level as core judged it: "expires soon" is a warning, not a failure, until the last week. */
export const CERTIFICATE_LEVEL_DISPLAY: Readonly<Record<CertificateLevel, Display>> = {
  ok: { label: 'valid', tone: 'ok', shape: 'check' },
  warning: { label: 'renew soon', tone: 'warn', shape: 'triangle' },
  critical: { label: 'renew now', tone: 'bad', shape: 'cross' },
  expired: { label: 'expired', tone: 'bad', shape: 'cross' },
};

export const SOURCE_STATE_DISPLAY: Readonly<Record<SourceState, Display>> = {
  live: { label: 'live', tone: 'ok', shape: 'check' },
  reconnecting: { label: 'reconnecting', tone: 'warn', shape: 'triangle' },
  stale: { label: 'stale', tone: 'warn', shape: 'triangle' },
  unavailable: { label: 'unavailable', tone: 'unknown', shape: 'dashed' },
};

/** Binary health (ready, live, reachable) as words and shapes. */
export function healthDisplay(
  ok: boolean | null,
  words: readonly [string, string, string] = ['ok', 'failing', 'unknown'],
): Display {
  if (ok === null) return { label: words[2], tone: 'unknown', shape: 'question' };
  return ok ? { label: words[0], tone: 'ok', shape: 'check' } : { label: words[1], tone: 'bad', shape: 'cross' };
}
