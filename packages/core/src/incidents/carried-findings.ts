import type { ClusterState } from '../model/cluster';
import type { Finding } from '../model/finding';
import type { TimelineEvent } from '../model/timeline';

/** A finding a stored timeline holds open: opened, and not resolved after. */
export type CarriedFinding = Pick<Finding, 'id' | 'title'>;

/** findingsLeftOpen: the findings that `events` (oldest first) leave open at their end, as they last opened. */
export function findingsLeftOpen(events: readonly TimelineEvent[]): Finding[] {
  const open = new Map<string, Finding>();
  for (const event of events) {
    if (event.kind === 'finding-opened') open.set(event.finding.id, event.finding);
    else if (event.kind === 'finding-resolved') open.delete(event.findingId);
  }
  return [...open.values()];
}

/**
 * Findings a hawk that just started found open in the stored timeline. One that cleared while no hawk was judging
 * would never be resolved, and its incident would stay ongoing for good; one still true opens again in the new
 * judgement (the same opening, to the incident fold). So: once the cluster has been judged with every source live for
 * `settleMs`, long enough for any finding still true to open again, the carried findings not open then are resolved.
 */
export interface CarriedFindings {
  readonly findings: readonly CarriedFinding[];
  /** Since when every judgement could see the whole cluster (epoch ms); null while it cannot. */
  readonly judgeableSince: number | null;
}

export const NOTHING_CARRIED: CarriedFindings = { findings: [], judgeableSince: null };

/** Whether a judgement saw enough to say a finding is gone: the cluster reachable and every source live. */
export function judgesWholeCluster(state: ClusterState): boolean {
  return (
    state.reachability.state === 'reachable' &&
    Object.values(state.sources).every((freshness) => freshness.state === 'live' || freshness.state === 'unavailable')
  );
}

/**
 * settleCarried folds one judgement into what is carried: a finding open in it is the judgement's own from now on;
 * after `settleMs` of judgements that saw the whole cluster, what is still carried is returned as cleared, once.
 */
export function settleCarried(
  carried: CarriedFindings,
  state: ClusterState,
  now: number,
  settleMs: number,
): { readonly carried: CarriedFindings; readonly cleared: readonly CarriedFinding[] } {
  if (carried.findings.length === 0) return { carried: NOTHING_CARRIED, cleared: [] };
  const openNow = new Set(state.findings.map((finding) => finding.id));
  const findings = carried.findings.filter((finding) => !openNow.has(finding.id));
  if (findings.length === 0) return { carried: NOTHING_CARRIED, cleared: [] };
  if (!judgesWholeCluster(state)) return { carried: { findings, judgeableSince: null }, cleared: [] };
  const judgeableSince = carried.judgeableSince ?? now;
  if (now - judgeableSince < settleMs) return { carried: { findings, judgeableSince }, cleared: [] };
  return { carried: NOTHING_CARRIED, cleared: findings };
}
