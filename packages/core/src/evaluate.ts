import { deriveCluster } from './analysis/derive';
import { failureImpacts } from './analysis/failure-impact';
import { groupRootCauses } from './analysis/root-cause';
import { verdictOf } from './analysis/verdict';
import type { HawkConfig } from './config';
import { MODEL_VERSION, type ClusterInput, type ClusterState } from './model/cluster';
import { SEVERITY_RANK, type Finding } from './model/finding';
import { CONTROL_PLANE_RULES, NOT_VISIBLE_RULES, UNREACHABLE_RULES } from './rules/index';
import type { Impact, Rule } from './rules/rule';

export interface Evaluation {
  readonly state: ClusterState;
  /** Findings present now and not in the previous state (by id). */
  readonly opened: readonly Finding[];
  /** Findings of the previous state gone now. */
  readonly resolved: readonly Finding[];
}

/** findingId: stable while the condition lasts, so `since` survives re-evaluation. */
export function findingId(ruleId: string, subject: string | null): string {
  return subject === null ? ruleId : `${ruleId}:${subject}`;
}

/**
 * evaluateCluster judges what the sources know of one cluster at `now` (hawk's clock, epoch ms).
 * `previous` is the last state (or one restored from history after a restart): findings keep its `since`.
 */
export function evaluateCluster(
  input: ClusterInput,
  previous: ClusterState | null,
  config: HawkConfig,
  now: number,
): Evaluation {
  // 1. Judge leases, quorum and serving instances once, for every rule.
  const derived = deriveCluster(input, config, now);

  // 2. Run the rules that apply: an unreachable or managed cluster gets its one neutral finding, nothing guessed.
  const rules = rulesFor(input);
  const since = new Map((previous?.findings ?? []).map((f) => [f.id, f.since]));
  const impacts: Impact[] = [];
  const raw = rules.flatMap((rule) =>
    rule.evaluate(input, derived, config, now).map((draft): Finding => {
      const kind = draft.kind ?? rule.kind ?? 'current';
      // What is only foreseen leaves the verdict alone: the cluster is not broken yet.
      impacts.push(kind === 'expected' ? 'none' : (draft.impact ?? rule.impact));
      const id = findingId(rule.id, draft.subject);
      return {
        id,
        ruleId: rule.id,
        severity: draft.severity ?? rule.severity,
        kind,
        ...(kind === 'expected' && draft.expectedAt !== undefined ? { expectedAt: draft.expectedAt } : {}),
        component: draft.component ?? rule.component,
        subject: draft.subject,
        title: draft.title,
        evidence: draft.evidence,
        since: since.get(id) ?? now,
        remediation: draft.remediation,
        commands: draft.commands,
        causedBy: null,
      };
    }),
  );

  // 3. Group consequences under their root cause, then order: what is broken before what is expected, critical first,
  //    oldest first, roots before consequences.
  const findings = groupRootCauses(raw, input, derived).sort(compareFindings);

  const state: ClusterState = {
    modelVersion: MODEL_VERSION,
    identity: input.identity,
    reachability: input.reachability,
    observedAt: now,
    verdict: verdictOf(input, impacts),
    sources: input.sources,
    apiServers: { instances: input.apiServers, frontDoor: input.frontDoor, serving: derived.serving.length },
    leases: derived.leases,
    etcd: { ...input.etcd, quorum: derived.quorum, dbUse: derived.etcdDb },
    nodes: input.nodes,
    pods: input.pods,
    controlPlaneHidden: input.controlPlaneHidden,
    ...(input.distribution ? { distribution: input.distribution } : {}),
    ...(input.certificates ? { certificates: derived.certificates } : {}),
    findings,
    failureImpacts:
      input.controlPlaneHidden || input.reachability.state !== 'reachable' ? [] : failureImpacts(input, derived),
  };

  // 4. What changed since the previous state, for the timeline.
  const present = new Set(findings.map((f) => f.id));
  const before = new Set((previous?.findings ?? []).map((f) => f.id));
  return {
    state,
    opened: findings.filter((f) => !before.has(f.id)),
    resolved: (previous?.findings ?? []).filter((f) => !present.has(f.id)),
  };
}

function rulesFor(input: ClusterInput): readonly Rule[] {
  if (input.reachability.state === 'unreachable') return UNREACHABLE_RULES;
  // Still connecting: nothing is known yet, and saying so is the verdict's job ('unknown'), not an alarm's.
  if (input.reachability.state === 'connecting') return [];
  if (input.controlPlaneHidden) return NOT_VISIBLE_RULES;
  return CONTROL_PLANE_RULES;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    Number(a.kind === 'expected') - Number(b.kind === 'expected') ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.since - b.since ||
    Number(a.causedBy !== null) - Number(b.causedBy !== null) ||
    a.id.localeCompare(b.id)
  );
}
