import type { ClusterState, TimelineEvent } from '@hawk/core';
import {
  aCluster,
  aFullHaCluster,
  simulateHawk,
  timelineOf,
  type ClusterBuilder,
  type HawkRun,
} from '@hawk/core/testing';

/**
 * Judged cluster states for the transport's, history's and metrics' tests and the bench, made by the
 * real core: the lab's shape (3 apiservers behind a load balancer, both leader leases with 3
 * candidates, 3 stacked etcd members on cp-1…cp-3) run through hawk's judging loop. A change in
 * judgement changes these states too, where hand-written ones would keep saying what core no longer says.
 */

export const T0 = Date.parse('2025-06-01T12:00:00Z');

/** How long the lab has run before T0, judged every second: leases have learned their cadence. */
const SETTLED_MS = 10_000;

/** A fault done to the simulated cluster at T0. */
export type Fault = (cluster: ClusterBuilder) => unknown;

/** One etcd member of three stopped: one failure from quorum loss (core says 'degraded'). */
export const oneEtcdMemberDown: Fault = (cluster) => cluster.stopEtcdMember(3);

/** Two etcd members and one apiserver stopped: quorum lost (core says 'down'). */
export const quorumLost: Fault = (cluster) => cluster.stopEtcdMember(2).stopEtcdMember(3).stopApiServer(2);

/** The lab-shaped cluster, judged every second up to T0: advance it for a stream of real states. */
export function judgedLab(id = 'lab'): HawkRun {
  const cluster = aCluster({ id, start: T0 - SETTLED_MS })
    .withApiServers(3)
    .withLease('kube-controller-manager')
    .withLease('kube-scheduler')
    .withEtcd(3)
    .withNodes(3);
  return simulateHawk(cluster).advance(SETTLED_MS);
}

export interface StateOptions {
  /** The instant judged (default T0); after a fault, core judges every second from T0 to it. */
  readonly at?: number;
  readonly fault?: Fault;
}

// Tests ask for the same state many times (and compare them whole): judged once per id, instant and fault.
const judged = new Map<Fault | undefined, Map<string, ClusterState>>();

/** The state core judges for the lab-shaped cluster `id` at `at`, after `fault` (none: healthy). */
export function clusterState(id = 'lab', { at = T0, fault }: StateOptions = {}): ClusterState {
  if (at < T0) throw new Error(`clusterState: at (${at}) is before T0 (${T0}), when the fixture starts`);
  const byFault = judged.get(fault) ?? new Map<string, ClusterState>();
  judged.set(fault, byFault);
  const key = `${id}@${at}`;
  const known = byFault.get(key);
  if (known) return known;
  const run = judgedLab(id);
  fault?.(run.cluster);
  const state = at > T0 ? run.advance(at - T0).state : run.evaluate().state;
  byFault.set(key, state);
  return state;
}

/** How often the lab's leader leases renew (client-go's retry period, the builder's default). */
const RENEW_EVERY_MS = 2_000;

/**
 * `count` states, one renewal period apart from T0, that differ from `clusterState(id)` only in
 * observedAt and the leases, as core judged them at that moment: a lease renewal observed, the most
 * common change hawk pushes.
 */
export function leaseRenewals(count: number, id = 'lab'): ClusterState[] {
  const base = clusterState(id);
  const run = judgedLab(id);
  return Array.from({ length: count }, () => {
    const { leases, observedAt } = run.advance(RENEW_EVERY_MS).state;
    return { ...base, observedAt, leases };
  });
}

/**
 * Scenario 2's timeline as the real core judges it: the controller-manager leader killed, a standby taking over, then
 * quiet. One incident, for the tests of its summary (the API, the notification, a restart in its middle).
 */
export function killedLeaderTimeline(): TimelineEvent[] {
  const run = simulateHawk(aFullHaCluster()).advance(20_000);
  run.cluster.killLeaseHolder('kube-controller-manager');
  run.advance(18_000);
  run.cluster.acquireLease('kube-controller-manager', 2).removeCandidate('kube-controller-manager', 1);
  run.advance(5_000);
  return timelineOf(run, 'lab');
}

/** A timeline moved by `ms`: every stamp in it (the event's, a finding's since, a transition's), as if it ran later. */
export const shiftedTimeline = (events: readonly TimelineEvent[], ms: number): TimelineEvent[] =>
  events.map((event) =>
    event.kind === 'leader-transition'
      ? { ...event, at: event.at + ms, transition: { ...event.transition, at: event.transition.at + ms } }
      : event.kind === 'finding-opened'
        ? { ...event, at: event.at + ms, finding: { ...event.finding, since: event.finding.since + ms } }
        : { ...event, at: event.at + ms },
  );
