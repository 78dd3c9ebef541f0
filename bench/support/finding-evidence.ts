/**
 * Judges a finding hawk raised against the lab's own record instead of a per-fault allow-list, for
 * the findings that record can settle: LeaderElectionNoHolder against the Lease as etcd held it,
 * LoadBalancerUnreachable against HAProxy's own view of its backends. A finding is true when the
 * record shows its claim within the time hawk showed it (widened back by hawk's observation
 * latency); with no such evidence it stays a false alarm, and the evidence looked at is said.
 */
import { OBSERVATION_ALLOWANCE_MS } from '@hawk/testkit/observation';
import type { FindingSighting } from './cluster-feed';
import { routesNowhere, type LbSample } from './lb-record';
import type { LeaseChange } from './lease-truth';

export interface LabRecord {
  /** Every change of the watched Leases in etcd, in the order seen (lease-truth.ts). */
  readonly leaseChanges: readonly LeaseChange[];
  /** Polls of etcd no member answered. */
  readonly leaseUnread: readonly number[];
  /** HAProxy's stats, every read (lb-record.ts). */
  readonly lb: readonly LbSample[];
}

export interface Judgement {
  readonly findingId: string;
  readonly ruleId: string;
  readonly subject: string | null;
  readonly openedAt: number;
  readonly closedAt: number | null;
  /** Whether the lab's record shows what the finding said. */
  readonly verdict: 'true' | 'false';
  readonly evidence: string;
}

const clock = (at: number) => new Date(at).toISOString().slice(11, 23);

/** The finding's window: from `allowance` before it opened until it closed (or `now`, still open). */
function windowOf(sighting: FindingSighting, now: number) {
  return { from: sighting.openedAt - OBSERVATION_ALLOWANCE_MS, to: sighting.closedAt ?? now };
}

/** The Lease `key` in etcd as spans: each change holds from when it was seen until the next one. */
function leaseSpans(changes: readonly LeaseChange[], key: string, now: number) {
  const own = changes.filter((change) => change.key === key);
  return own.map((change, index) => ({ change, from: change.seenAt, to: own[index + 1]?.seenAt ?? now }));
}

type Verdict = Pick<Judgement, 'verdict' | 'evidence'>;

/** How long hawk kept showing a finding once the record no longer bore it out: said, not judged (latency varies). */
function clearedAfter(sighting: FindingSighting, truthEnd: number, what: string): string {
  return sighting.closedAt === null
    ? 'hawk still showed it at scoring'
    : `hawk cleared it ${sighting.closedAt - truthEnd} ms after ${what}`;
}

function judgeNoHolder(sighting: FindingSighting, record: LabRecord, now: number): Verdict {
  const { from, to } = windowOf(sighting, now);
  const key = sighting.subject ?? '';
  const spans = leaseSpans(record.leaseChanges, key, now).filter((span) => span.from <= to && span.to >= from);
  const unread = record.leaseUnread.filter((at) => at >= from && at <= to).length;
  const holes = unread ? `; etcd unread at ${unread} poll(s) in that time` : '';
  const empty = spans.find((span) => span.change.holderIdentity === null);
  if (empty) {
    const lead = sighting.openedAt - empty.from;
    const when = `${Math.abs(lead)} ms ${lead >= 0 ? 'before' : 'after'} hawk's sighting opened`;
    const span = `from ${clock(empty.from)} to ${clock(empty.to)} (rev ${empty.change.modRevision})`;
    const last = spans.findLast((candidate) => candidate.change.holderIdentity === null)!;
    const cleared = clearedAfter(sighting, last.to, 'etcd had a holder again');
    return { verdict: 'true', evidence: `etcd held ${key} with no holder ${span}, ${when}; ${cleared}${holes}` };
  }
  const during = `from ${clock(from)} to ${clock(to)}`;
  const held = spans.map(
    ({ change, from: seen }) => `${change.holderIdentity} (rev ${change.modRevision}, seen ${clock(seen)})`,
  );
  const evidence = held.length
    ? `etcd: ${key} held ${during} by ${held.join(', then ')}`
    : `etcd: no record of ${key} ${during}`;
  return { verdict: 'false', evidence: evidence + holes };
}

function judgeLoadBalancer(sighting: FindingSighting, record: LabRecord, now: number): Verdict {
  const { from, to } = windowOf(sighting, now);
  const samples = record.lb.filter((sample) => sample.at >= from && sample.at <= to);
  const failed = samples.filter((sample) => sample.error !== undefined && !sample.refused).length;
  const unknown = failed ? `; ${failed} read(s) of the stats failed` : '';
  const down = samples.filter(routesNowhere);
  if (down.length) {
    const first = down[0]!;
    const what = first.refused ? 'refused (HAProxy not listening)' : `had no backend UP (${first.servers.join(', ')})`;
    const reads = `${down.length} of ${samples.length} reads from ${clock(first.at)} to ${clock(down.at(-1)!.at)}`;
    const cleared = clearedAfter(sighting, down.at(-1)!.at, 'the last such read');
    return { verdict: 'true', evidence: `HAProxy ${what} at ${reads}; ${cleared}${unknown}` };
  }
  const during = `from ${clock(from)} to ${clock(to)}`;
  const answered = samples.filter((sample) => sample.error === undefined);
  const fewest = answered.toSorted((a, b) => a.up.length - b.up.length)[0];
  if (!fewest) return { verdict: 'false', evidence: `HAProxy's stats: no read ${during}${unknown}` };
  const least = `fewest at ${clock(fewest.at)}: ${fewest.servers.join(', ')}`;
  return {
    verdict: 'false',
    evidence: `HAProxy had a backend UP at each of ${answered.length} reads ${during}; ${least}${unknown}`,
  };
}

/** The rules the record can settle; others keep the fault plan's allow-list. */
const JUDGES: Readonly<Record<string, (sighting: FindingSighting, record: LabRecord, now: number) => Verdict>> = {
  LeaderElectionNoHolder: judgeNoHolder,
  LoadBalancerUnreachable: judgeLoadBalancer,
};

/** Judges `sighting` by the record, or null when its rule is not one the record can settle. */
export function judgeSighting(sighting: FindingSighting, record: LabRecord, now: number): Judgement | null {
  const judge = JUDGES[sighting.ruleId];
  if (!judge) return null;
  const { id: findingId, ruleId, subject, openedAt, closedAt } = sighting;
  return { findingId, ruleId, subject, openedAt, closedAt, ...judge(sighting, record, now) };
}

export const JUDGED_RULES: readonly string[] = Object.keys(JUDGES);
