/**
 * The lab's record of its load balancer: HAProxy's own view of its apiserver backends, polled from
 * its stats page every `intervalMs` over a chaos run, so a LoadBalancerUnreachable finding can be
 * checked against what HAProxy itself saw at that moment (no backend UP, or HAProxy not listening).
 */
import type { Lab } from '@hawk/lab';

/** One read of HAProxy's stats: the backends' states, or why it did not answer. */
export interface LbSample {
  readonly at: number;
  /** Servers HAProxy routes to: status UP, including `UP 1/2` (failing checks, not yet taken out). */
  readonly up: readonly string[];
  /** Every server with its status as HAProxy wrote it, e.g. `cp-2 DOWN 1/2`. */
  readonly servers: readonly string[];
  /** Nothing listened on the stats port: HAProxy is not running. */
  readonly refused: boolean;
  /** Any other failure to read (timeout, bad answer): HAProxy's view is unknown then. */
  readonly error?: string;
}

const BACKEND = 'kube-apiserver';

const unread = (at: number, error: string): LbSample => ({ at, up: [], servers: [], refused: false, error });

/** Parses HAProxy's stats CSV (`# pxname,svname,…,status,…`) into the servers of the apiserver backend. Pure. */
export function parseHaproxyStats(csv: string, at: number): LbSample {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const name = columns.indexOf('svname');
  const proxy = columns.indexOf('pxname');
  const status = columns.indexOf('status');
  if (name < 0 || proxy < 0 || status < 0) return unread(at, 'no svname/status columns in the stats CSV');
  const servers = rows
    .map((row) => row.split(','))
    .filter((cells) => cells[proxy] === BACKEND && !['BACKEND', 'FRONTEND'].includes(cells[name]!))
    .map((cells) => ({ name: cells[name]!, status: cells[status]! }));
  return {
    at,
    up: servers.filter((server) => server.status.startsWith('UP')).map((server) => server.name),
    servers: servers.map((server) => `${server.name} ${server.status}`),
    refused: false,
  };
}

/** Polls HAProxy's stats until stopped; keeps every sample (4 a second over a 15-minute run is ~4k small objects). */
export function recordLoadBalancer(lab: Lab, intervalMs = 250) {
  const samples: LbSample[] = [];
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        const answer = await lab.loadBalancerStats(Math.max(intervalMs, 1000));
        samples.push(answer.status === 200 ? parseHaproxyStats(answer.body, at) : unread(at, `HTTP ${answer.status}`));
      } catch (error) {
        const message = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        samples.push({ ...unread(at, message), refused: message === 'ECONNREFUSED' });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - at))));
    }
  };
  const polling = poll();
  return {
    samples: (): readonly LbSample[] => samples,
    async stop() {
      stopped = true;
      await polling;
    },
  };
}

/** HAProxy routes nowhere: it refused, or it answered with no backend UP. A failed read says nothing. */
export const routesNowhere = (sample: LbSample) =>
  sample.refused || (sample.error === undefined && sample.up.length === 0);

/** The spans of consecutive reads in which HAProxy routed nowhere, first read to last. Pure. */
export function nowhereSpans(
  samples: readonly LbSample[],
): { from: number; to: number; reads: number; refused: boolean }[] {
  const spans: { from: number; to: number; reads: number; refused: boolean }[] = [];
  let open: (typeof spans)[number] | null = null;
  for (const sample of samples) {
    if (sample.error !== undefined && !sample.refused) continue;
    if (!routesNowhere(sample)) {
      open = null;
      continue;
    }
    if (!open) spans.push((open = { from: sample.at, to: sample.at, reads: 0, refused: sample.refused }));
    open.to = sample.at;
    open.reads++;
  }
  return spans;
}
