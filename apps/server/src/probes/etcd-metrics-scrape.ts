import type { CumulativeHistogram, EtcdMetricsSample } from '@hawk/core';
import type { EtcdTransport } from '../clusters/etcd-transport';
import { describeError } from '../util/describe-error';

/** etcd's /metrics runs to a few hundred KiB with its gRPC series; more than this is not etcd's answer. */
export const ETCD_METRICS_MAX_BYTES = 4 * 1024 ** 2;

const WAL_FSYNC = 'etcd_disk_wal_fsync_duration_seconds';
const BACKEND_COMMIT = 'etcd_disk_backend_commit_duration_seconds';
const PEER_RTT = 'etcd_network_peer_round_trip_time_seconds';
/** etcd names the leader's late heartbeats under etcd_server_ (3.4+); older builds under etcd_network_. */
const HEARTBEAT_FAILURES = ['etcd_server_heartbeat_send_failures_total', 'etcd_network_heartbeat_send_failures_total'];
const SLOW_APPLY = 'etcd_server_slow_apply_total';
const LEADER_CHANGES = 'etcd_server_leader_changes_seen_total';
const WANTED = [WAL_FSYNC, BACKEND_COMMIT, PEER_RTT, ...HEARTBEAT_FAILURES, SLOW_APPLY, LEADER_CHANGES];

interface Series {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One label set `{a="x",b="y\"z"}`, its values unescaped as the text format says (\\, \", \n). */
function parseLabels(text: string): Record<string, string> | null {
  const labels: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) return null;
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    at = pattern.lastIndex;
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * parseMetricSeries reads the Prometheus text exposition format, keeping only the series of families whose names
 * start with one of `prefixes` (the rest of etcd's answer is skipped line by line, never parsed). A malformed line
 * is skipped, not fatal: one odd series must not hide the others.
 */
export function parseMetricSeries(text: string, prefixes: readonly string[]): Series[] {
  const series: Series[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || !prefixes.some((prefix) => line.startsWith(prefix))) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    let name: string;
    let labels: Record<string, string> | null = {};
    let rest: string;
    if (brace !== -1 && (space === -1 || brace < space)) {
      const close = line.lastIndexOf('}');
      if (close < brace) continue;
      name = line.slice(0, brace);
      labels = parseLabels(line.slice(brace + 1, close));
      rest = line.slice(close + 1).trim();
    } else {
      if (space === -1) continue;
      name = line.slice(0, space);
      rest = line.slice(space + 1).trim();
    }
    const value = parseValue(rest.split(/\s+/)[0] ?? '');
    if (labels === null || Number.isNaN(value)) continue;
    series.push({ name, labels, value });
  }
  return series;
}

/** The series of one histogram with the same labels (`match`), as cumulative buckets; null when absent. */
function histogram(
  series: readonly Series[],
  family: string,
  match: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): CumulativeHistogram | null {
  const buckets = series
    .filter((s) => s.name === `${family}_bucket` && s.labels.le !== undefined && match(s.labels))
    .map((s) => ({ le: parseValue(s.labels.le!), count: s.value }))
    .sort((a, b) => a.le - b.le);
  const count = series.find((s) => s.name === `${family}_count` && match(s.labels))?.value;
  const sum = series.find((s) => s.name === `${family}_sum` && match(s.labels))?.value;
  if (buckets.length === 0 || buckets.at(-1)!.le !== Infinity || count === undefined) return null;
  return { buckets, count, sum: sum ?? 0 };
}

/** A counter summed over its label sets (etcd labels none of these, but a future one may). */
function counter(series: readonly Series[], names: readonly string[]): number | null {
  const found = series.filter((s) => names.includes(s.name));
  return found.length === 0 ? null : found.reduce((total, s) => total + s.value, 0);
}

/** etcd labels peers by member id in hex ("To"); the model carries ids as decimal strings. */
function decimalId(hex: string): string | null {
  return /^[0-9a-f]{1,16}$/i.test(hex) ? BigInt(`0x${hex}`).toString() : null;
}

/** etcdMetricsSample: the few families hawk judges, from one /metrics answer, at hawk's clock `at`. */
export function etcdMetricsSample(text: string, at: number): EtcdMetricsSample {
  const series = parseMetricSeries(text, WANTED);
  const peerRoundTrip: Record<string, CumulativeHistogram> = {};
  const peers = new Set(series.filter((s) => s.name === `${PEER_RTT}_count`).map((s) => s.labels.To ?? ''));
  for (const peer of peers) {
    const id = decimalId(peer);
    const rtt = histogram(series, PEER_RTT, (labels) => labels.To === peer);
    if (id !== null && rtt !== null) peerRoundTrip[id] = rtt;
  }
  return {
    at,
    walFsync: histogram(series, WAL_FSYNC),
    backendCommit: histogram(series, BACKEND_COMMIT),
    peerRoundTrip,
    heartbeatSendFailures: counter(series, HEARTBEAT_FAILURES),
    slowApplies: counter(series, [SLOW_APPLY]),
    leaderChangesSeen: counter(series, [LEADER_CHANGES]),
  };
}

/** What one member's /metrics said, or why it could not be read. */
export type EtcdMetricsAnswer =
  | { readonly endpoint: string; readonly sample: EtcdMetricsSample }
  | { readonly endpoint: string; readonly error: string };

/** scrapeEtcdMetrics reads one member's /metrics through its client URL, with hawk's etcd client certificate. */
export async function scrapeEtcdMetrics(
  transport: EtcdTransport,
  endpoint: string,
  timeoutMs: number,
  now: () => number,
): Promise<EtcdMetricsAnswer> {
  try {
    const response = await transport.get(endpoint, '/metrics', timeoutMs, ETCD_METRICS_MAX_BYTES);
    if (response.status !== 200) return { endpoint, error: `/metrics: HTTP ${response.status}` };
    return { endpoint, sample: etcdMetricsSample(response.text, now()) };
  } catch (error) {
    return { endpoint, error: describeError(error) };
  }
}
