import type { Finding, Severity } from '../model/finding';
import type { LeaderTransition } from '../model/lease';
import type { TimelineEvent } from '../model/timeline';

/** One finding as an incident remembers it: what it said and when it opened and resolved. */
export interface IncidentFinding {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly component: Finding['component'];
  readonly subject: string | null;
  readonly title: string;
  readonly causedBy: string | null;
  /** When the timeline first recorded it open (epoch ms). */
  readonly openedAt: number;
  /** When it last resolved (epoch ms); null while open. */
  readonly resolvedAt: number | null;
  /** How often it opened again within the incident after resolving. */
  readonly reopened: number;
}

/**
 * An incident: the findings of one root cause group, from the first one opening until every one of them resolved,
 * with the leader changes seen meanwhile. Derived from the timeline alone, so it lasts as long as the timeline does.
 */
export interface Incident {
  readonly clusterId: string;
  /** The incident's number: when it opened (epoch ms), stable for as long as the timeline keeps it. */
  readonly n: number;
  readonly openedAt: number;
  /** When the last of its findings resolved (epoch ms); null while it lasts. */
  readonly endedAt: number | null;
  /** From opening to the last resolve (ms): the time to full recovery; null while it lasts. */
  readonly recoveryMs: number | null;
  /** Its findings in the order they opened; the first ones (opened at `openedAt`) are what failed first. */
  readonly findings: readonly IncidentFinding[];
  /** Leadership changes of leader-elected components seen while it lasted. */
  readonly transitions: readonly LeaderTransition[];
  readonly etcdLeaderChanges: readonly {
    readonly at: number;
    readonly from: string | null;
    readonly to: string | null;
  }[];
}

/** What folding a timeline keeps: incidents still open per cluster, and those that ended, oldest first. */
export interface IncidentLog {
  readonly open: readonly Incident[];
  readonly ended: readonly Incident[];
}

export const EMPTY_INCIDENT_LOG: IncidentLog = { open: [], ended: [] };

/**
 * Most leadership changes one incident keeps (the first ones): an incident held open by a standing warning must not
 * grow without end while leaders hand over for other reasons.
 */
const TRANSITIONS_KEPT = 50;

/** Findings that say what hawk could not see: they belong to the incident they blind, not one of their own. */
const BLINDING_RULES = new Set(['ClusterUnreachable', 'ClusterControlPlaneNotVisible']);
export const isBlinding = (finding: Pick<IncidentFinding, 'ruleId' | 'component'>): boolean =>
  finding.component === 'hawk' || BLINDING_RULES.has(finding.ruleId);

/**
 * Only what is broken now opens an incident: an early warning ('expected') never does, nor does an info finding
 * (a standing fact of the topology) unless it was grouped under a root.
 */
function opensIncident(finding: Finding): boolean {
  // Timelines recorded before findings had a kind hold current ones only.
  if (finding.kind === 'expected') return false;
  return finding.severity !== 'info' || finding.causedBy !== null;
}

/** How soon after an incident's latest finding a new failure still joins it (ms). */
export const BURST_MS = 30_000;
const latestOpening = (incident: Incident) => Math.max(...incident.findings.map((f) => f.openedAt));

const has = (incident: Incident, id: string | null) => id !== null && incident.findings.some((f) => f.id === id);

function mergeAll(incidents: readonly Incident[]): Incident {
  const [first, ...rest] = [...incidents].sort((a, b) => a.openedAt - b.openedAt);
  return rest.reduce(
    (into, other) => ({
      ...into,
      findings: [...into.findings, ...other.findings].sort((a, b) => a.openedAt - b.openedAt),
      transitions: [...into.transitions, ...other.transitions].sort((a, b) => a.at - b.at),
      etcdLeaderChanges: [...into.etcdLeaderChanges, ...other.etcdLeaderChanges].sort((a, b) => a.at - b.at),
    }),
    first!,
  );
}

function opened(log: IncidentLog, at: number, finding: Finding, clusterId: string): IncidentLog {
  const open = log.open.filter((incident) => incident.clusterId === clusterId);
  const again = open.find((incident) => has(incident, finding.id));
  // Seen opening while still open: a restarted hawk's first judgement, or a second replica writing a shared history.
  // The same opening observed again, not a reopen.
  if (again?.findings.some((f) => f.id === finding.id && f.resolvedAt === null)) return log;
  if (again) {
    const findings = again.findings.map((f) =>
      f.id === finding.id ? { ...f, resolvedAt: null, reopened: f.reopened + 1 } : f,
    );
    return { ...log, open: log.open.map((incident) => (incident === again ? { ...again, findings } : incident)) };
  }
  // 1. Its group: the incident holding its root, or one holding findings it roots, or an open finding on the same
  //    subject (an overdue lease escalating to a lost one), or one that opened this very judgement (consequences may
  //    be listed before their root); what blinds hawk joins the latest incident.
  const sameSubject = (f: IncidentFinding) =>
    finding.subject !== null && f.subject === finding.subject && f.resolvedAt === null;
  let joined = open.filter(
    (incident) =>
      has(incident, finding.causedBy) ||
      incident.findings.some((f) => f.causedBy === finding.id || sameSubject(f)) ||
      incident.openedAt === at,
  );
  if (joined.length === 0 && isBlinding(finding) && open.length > 0) joined = [open[open.length - 1]!];
  // 2. A failure opening in the wake of another (a restarted etcd leader stalls apiservers, then a lease) is part of
  //    the same story though no rule ties them: it joins the open incident whose latest finding opened in the last
  //    BURST_MS. An incident held open by a standing warning opened long ago, so it takes nothing in.
  if (joined.length === 0 && opensIncident(finding)) {
    const wake = open.filter((incident) => at - latestOpening(incident) <= BURST_MS);
    if (wake.length > 0) joined = [wake[wake.length - 1]!];
  }
  if (joined.length === 0 && !opensIncident(finding)) return log;
  const member: IncidentFinding = {
    id: finding.id,
    ruleId: finding.ruleId,
    severity: finding.severity,
    component: finding.component,
    subject: finding.subject,
    title: finding.title,
    causedBy: finding.causedBy,
    openedAt: at,
    resolvedAt: null,
    reopened: 0,
  };
  // 3. Joining two incidents (a finding whose root is in one while it roots findings in another) makes them one.
  const base: Incident =
    joined.length === 0
      ? {
          clusterId,
          n: at,
          openedAt: at,
          endedAt: null,
          recoveryMs: null,
          findings: [],
          transitions: [],
          etcdLeaderChanges: [],
        }
      : mergeAll(joined);
  const incident = { ...base, findings: [...base.findings, member] };
  return { ...log, open: [...log.open.filter((i) => !joined.includes(i)), incident] };
}

function resolved(log: IncidentLog, at: number, findingId: string, clusterId: string): IncidentLog {
  const incident = log.open.find((i) => i.clusterId === clusterId && has(i, findingId));
  if (!incident) return log;
  const findings = incident.findings.map((f) => (f.id === findingId ? { ...f, resolvedAt: at } : f));
  const updated = { ...incident, findings };
  if (findings.some((f) => f.resolvedAt === null))
    return { ...log, open: log.open.map((i) => (i === incident ? updated : i)) };
  return {
    open: log.open.filter((i) => i !== incident),
    ended: [...log.ended, { ...updated, endedAt: at, recoveryMs: at - updated.openedAt }],
  };
}

/** The open incident a leadership change belongs to: one whose findings name its lease, else the latest one. */
function owner(log: IncidentLog, clusterId: string, subject: (f: IncidentFinding) => boolean): Incident | undefined {
  const open = log.open.filter((incident) => incident.clusterId === clusterId);
  return open.find((incident) => incident.findings.some(subject)) ?? open[open.length - 1];
}

/**
 * foldIncident takes one timeline event into the log. Pure: replaying the same timeline gives the same incidents.
 * An incident opens with the first finding of a root cause group and ends when it and all it grouped resolved.
 */
export function foldIncident(log: IncidentLog, event: TimelineEvent): IncidentLog {
  switch (event.kind) {
    case 'finding-opened':
      return opened(log, event.at, event.finding, event.clusterId);
    case 'finding-resolved':
      return resolved(log, event.at, event.findingId, event.clusterId);
    case 'leader-transition': {
      const lease = event.transition.lease;
      const incident = owner(log, event.clusterId, (f) => f.subject === lease);
      if (!incident || incident.transitions.length >= TRANSITIONS_KEPT) return log;
      const updated = { ...incident, transitions: [...incident.transitions, event.transition] };
      return { ...log, open: log.open.map((i) => (i === incident ? updated : i)) };
    }
    case 'etcd-leader-change': {
      const incident = owner(log, event.clusterId, (f) => f.component === 'etcd');
      if (!incident || incident.etcdLeaderChanges.length >= TRANSITIONS_KEPT) return log;
      const change = { at: event.at, from: event.from, to: event.to };
      const updated = { ...incident, etcdLeaderChanges: [...incident.etcdLeaderChanges, change] };
      return { ...log, open: log.open.map((i) => (i === incident ? updated : i)) };
    }
    default:
      return log;
  }
}

/** incidentsOf folds a timeline (oldest first): every incident it holds, ended or still open, by when it opened. */
export function incidentsOf(events: readonly TimelineEvent[]): Incident[] {
  const log = events.reduce(foldIncident, EMPTY_INCIDENT_LOG);
  return [...log.ended, ...log.open].sort((a, b) => a.openedAt - b.openedAt);
}
