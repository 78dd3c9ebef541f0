/** Formatting shared by every panel; times are epoch ms, shown in the browser's local zone, 24 h. */

const pad = (value: number): string => String(value).padStart(2, '0');

/** "12:03:04" */
export function formatClock(at: number): string {
  const date = new Date(at);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "2025-01-31 12:03:04": for moments that may not be today (replay, timeline ranges). */
export function formatDateTime(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(at)}`;
}

/** "1 s", "4 min 02 s", "3 h 10 min", "2 d 4 h": coarse enough to read at a glance. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${pad(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${pad(minutes % 60)} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * When an expected finding's failure is due, as core judged it (expectedAt), else how long it has been foreseen:
 * "due in 3 d 0 h (2026-12-10 12:00:00)", "foreseen for 2 min 10 s".
 */
export function formatExpected(finding: { readonly expectedAt?: number; readonly since: number }, now: number): string {
  return finding.expectedAt !== undefined
    ? `due in ${formatDuration(finding.expectedAt - now)} (${formatDateTime(finding.expectedAt)})`
    : `foreseen for ${formatDuration(now - finding.since)}`;
}

/** "1.2 s" for short gaps where tenths matter (leaderless time, latency above a second). */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "as of 12:03:04, 1 s ago"; a clock slightly ahead of the browser reads as "just now" rather than negative. */
export function formatFreshness(at: number | null, now: number): string {
  if (at === null) return 'never received';
  const age = now - at;
  return `as of ${formatClock(at)}, ${age < 1000 ? 'just now' : `${formatDuration(age)} ago`}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Parses a time from a URL: epoch ms or anything Date understands (ISO). */
export function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}
