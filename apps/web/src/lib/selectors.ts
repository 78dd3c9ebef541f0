import {
  holderNode,
  SEVERITY_RANK,
  type ApiServerInstance,
  type FailureImpact,
  type LeaderTransition,
  type ClusterState,
  type EndpointHealth,
  type Finding,
  type LeaseView,
  type QuorumView,
  type TimelineEvent,
} from '@hawk/core';
import { formatDuration, formatMs } from './format';

/** Small pure derivations the panels render; the judging itself is the core's. */

export interface FindingGroup {
  readonly root: Finding;
  /** Findings whose causedBy is this root, folded under it. */
  readonly consequences: readonly Finding[];
}

/** Root causes first by severity, each with what follows from it; a consequence whose cause is gone stands alone. */
export function groupFindings(findings: readonly Finding[]): readonly FindingGroup[] {
  const ids = new Set(findings.map((finding) => finding.id));
  const isRoot = (finding: Finding) => finding.causedBy === null || !ids.has(finding.causedBy);
  const bySeverity = (a: Finding, b: Finding) =>
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since - b.since;
  return findings
    .filter(isRoot)
    .sort(bySeverity)
    .map((root) => ({
      root,
      consequences: findings.filter((finding) => finding.causedBy === root.id).sort(bySeverity),
    }));
}

export interface LeaseHolder {
  readonly identity: string | null;
  readonly node: string | null;
}

/** Who holds the lease and on which node, as core reads it (its candidate entry, else the identity's hostname). */
export function leaseHolder(lease: LeaseView): LeaseHolder {
  const identity = lease.record?.holderIdentity ?? null;
  if (!identity) return { identity: null, node: null };
  return { identity, node: holderNode(lease) };
}

/** Full length of the countdown ring: the lease's duration, else the span the server judged. */
export function leaseWindowMs(lease: LeaseView): number | null {
  const seconds = lease.record?.leaseDurationSeconds;
  if (seconds) return seconds * 1000;
  if (lease.expiresAt !== null && lease.observedRenewAt !== null && lease.expiresAt > lease.observedRenewAt)
    return lease.expiresAt - lease.observedRenewAt;
  return null;
}

/** Fraction of the lease left at `now`, 0–1. */
export function leaseRemaining(expiresAt: number, windowMs: number, now: number): number {
  return Math.min(1, Math.max(0, (expiresAt - now) / windowMs));
}

export const LEASE_STATUS_TEXT: Readonly<Record<LeaseView['status'], string>> = {
  held: 'renewing',
  'renew-overdue': 'leader not renewing',
  expired: 'lease expired: leader lost',
  'no-holder': 'no holder',
  malformed: 'malformed lease',
  unknown: 'unknown (hawk not watching)',
};

/** "3/3, tolerates 1 failure" or "quorum lost: 1/3 healthy, needs 2". */
export function quorumText(quorum: QuorumView): string {
  if (quorum.voters === 0) return 'no members known';
  if (!quorum.hasQuorum) return `quorum lost: ${quorum.healthy}/${quorum.voters} healthy, needs ${quorum.quorum}`;
  const tolerated = quorum.failuresTolerated;
  return `${quorum.healthy}/${quorum.voters}, tolerates ${tolerated} failure${tolerated === 1 ? '' : 's'}`;
}

/** Ready and live from the two probes; null when not probed yet. */
export function probeOk(health: EndpointHealth, probe: 'readyz' | 'livez'): boolean | null {
  const result = health[probe];
  return result ? result.ok : null;
}

export function instanceLabel(instance: ApiServerInstance): string {
  return instance.host ?? instance.node ?? instance.address ?? instance.id;
}

export function latencyText(health: EndpointHealth): string {
  const latency = health.readyz?.latencyMs ?? health.livez?.latencyMs ?? null;
  return latency === null ? '—' : formatMs(latency);
}

/** How a leader handed over, in words: a graceful release, or a lease that ran out (crash or hang). */
export const HANDOVER_TEXT: Readonly<Record<NonNullable<LeaderTransition['handover']>, string>> = {
  released: 'released (graceful)',
  expired: 'expired (holder crashed or hung)',
};

/**
 * A note when core judged the holder's clock off from hawk's by more than the run-time threshold
 * (`skewNoted`, from HAWK_CLOCK_SKEW_NOTE_MS): "holder's clock is 10 min 00 s behind hawk's". null otherwise.
 */
export function skewNote(lease: LeaseView): string | null {
  if (!lease.skewNoted || lease.skewMs === null) return null;
  // skewMs = observed − written: positive means the holder writes times in hawk's past.
  const direction = lease.skewMs > 0 ? 'behind' : 'ahead of';
  return (
    `holder's clock is ${formatDuration(Math.abs(lease.skewMs))} ${direction} hawk's; hawk judges by observed ` +
    'renewals, so this does not change the verdict'
  );
}

/** One line for a timeline event, as shown in the strip's detail and the list. */
export function describeEvent(event: TimelineEvent): {
  readonly title: string;
  readonly detail: string;
  readonly tone: 'ok' | 'warn' | 'bad' | 'info';
} {
  switch (event.kind) {
    case 'leader-transition': {
      const { lease, from, to, leaderlessMs, handover } = event.transition;
      const gap = leaderlessMs === null ? 'leaderless gap not measurable' : `leaderless for ${formatMs(leaderlessMs)}`;
      const kind = handover ? `${HANDOVER_TEXT[handover]}; ` : '';
      return {
        title: `${lease}: ${from ?? 'nobody'} → ${to ?? 'nobody'}`,
        detail: `${kind}${gap}`,
        tone: handover === 'released' ? 'info' : 'warn',
      };
    }
    case 'finding-opened':
      return {
        title: event.finding.title,
        detail: `opened (${event.finding.severity})`,
        tone: event.finding.severity === 'critical' ? 'bad' : event.finding.severity === 'warning' ? 'warn' : 'info',
      };
    case 'finding-resolved':
      return { title: event.title, detail: 'resolved', tone: 'ok' };
    case 'probe-failed':
      return { title: `${event.target} down`, detail: event.error, tone: 'bad' };
    case 'probe-recovered':
      return { title: `${event.target} back`, detail: 'probe recovered', tone: 'ok' };
    case 'etcd-leader-change':
      return {
        title: `etcd leader ${event.from ?? 'none'} → ${event.to ?? 'none'}`,
        detail: 'raft leader changed',
        tone: 'warn',
      };
  }
}

/** Stable key for an event, to merge REST history with live pushes without duplicates. */
export function eventKey(event: TimelineEvent): string {
  switch (event.kind) {
    case 'leader-transition':
      return `${event.kind}|${event.at}|${event.transition.lease}|${event.transition.to ?? ''}`;
    case 'finding-opened':
      return `${event.kind}|${event.at}|${event.finding.id}`;
    case 'finding-resolved':
      return `${event.kind}|${event.at}|${event.findingId}`;
    case 'probe-failed':
    case 'probe-recovered':
      return `${event.kind}|${event.at}|${event.target}`;
    case 'etcd-leader-change':
      return `${event.kind}|${event.at}|${event.to ?? ''}`;
  }
}

/** History within [from, to] merged with live pushes, oldest first, without duplicates. */
export function mergeTimeline(
  history: readonly TimelineEvent[],
  live: readonly TimelineEvent[],
  from: number,
  to: number,
): readonly TimelineEvent[] {
  const seen = new Map<string, TimelineEvent>();
  for (const event of [...history, ...live]) if (event.at >= from && event.at <= to) seen.set(eventKey(event), event);
  return [...seen.values()].sort((a, b) => a.at - b.at);
}

export interface ComponentGlance {
  readonly label: string;
  readonly value: string;
  readonly tone: 'ok' | 'warn' | 'bad' | 'unknown';
}

/** One line per tier for an overview tile: serving apiservers, each lease's holder node, etcd's quorum margin. */
export function componentGlance(state: ClusterState): readonly ComponentGlance[] {
  if (state.controlPlaneHidden) return [];
  const { serving, instances } = state.apiServers;
  const apiTone = serving === 0 ? 'bad' : serving < instances.length || serving === 1 ? 'warn' : 'ok';
  const leases = state.leases.map((lease): ComponentGlance => {
    const holder = leaseHolder(lease);
    const tone =
      lease.status === 'held'
        ? 'ok'
        : lease.status === 'renew-overdue' || lease.status === 'malformed'
          ? 'warn'
          : lease.status === 'unknown'
            ? 'unknown'
            : 'bad';
    return { label: lease.component.replace(/^kube-/, ''), value: holder.node ?? holder.identity ?? 'no leader', tone };
  });
  const { quorum } = state.etcd;
  const etcdTone = !quorum.hasQuorum ? 'bad' : quorum.failuresTolerated < 1 ? 'warn' : 'ok';
  return [
    { label: 'apiservers', value: `${serving}/${instances.length}`, tone: apiTone },
    ...leases,
    {
      label: 'etcd',
      value: quorum.voters === 0 ? 'unknown' : `${quorum.healthy}/${quorum.voters}`,
      tone: quorum.voters === 0 ? 'unknown' : etcdTone,
    },
  ];
}

/**
 * The N-1 analysis in one line for the wall: the first loss the cluster would not survive, or that
 * any single loss is survivable. Full detail stays in the "If we lost one…" panel.
 */
export function failureImpactLine(
  impacts: readonly FailureImpact[],
): { readonly text: string; readonly survivable: boolean } | null {
  if (impacts.length === 0) return null;
  const fatal = impacts.filter((impact) => !impact.survivable);
  if (fatal.length === 0)
    return {
      text:
        'losing any one ' +
        `${impacts.length > 1 ? `of ${impacts.map((impact) => impact.name).join(', ')}` : impacts[0]!.name}: ` +
        'survivable',
      survivable: true,
    };
  const more = fatal.length > 1 ? ` (and ${fatal.length - 1} more not survivable)` : '';
  return { text: `${fatal[0]!.summary}${more}`, survivable: false };
}
