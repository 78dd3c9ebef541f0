import { DEFAULT_CONFIG, type HawkConfig } from '../config';
import { evaluateCluster } from '../evaluate';
import type { ClusterState } from '../model/cluster';
import type { Finding } from '../model/finding';
import type { TimelineEvent } from '../model/timeline';
import { deriveCluster } from '../analysis/derive';
import type { FindingDraft, Rule } from '../rules/rule';
import type { ClusterBuilder } from './builder';

/** A finding as scenario tests assert it: what an SRE would read, without the prose. */
export interface FindingShape {
  readonly ruleId: string;
  readonly severity: Finding['severity'];
  readonly component: Finding['component'];
  readonly subject: string | null;
  readonly causedBy: string | null;
}

export interface HawkRun {
  readonly cluster: ClusterBuilder;
  /** The last evaluated state. */
  readonly state: ClusterState;
  /** Every finding opened or resolved so far, with the clock at the time. */
  readonly timeline: readonly {
    readonly at: number;
    readonly kind: 'opened' | 'resolved';
    readonly finding: Finding;
  }[];
  /** Advances the cluster's clock, evaluating every `stepMs` as the server's tick does. */
  advance(ms: number, stepMs?: number): HawkRun;
  /** Evaluates now, e.g. right after a fault was injected. */
  evaluate(): HawkRun;
  /** The current findings, shaped for exact assertions. */
  findings(): FindingShape[];
  /** Advances in steps until `predicate` holds; returns how long it took (ms), or null past `limitMs`. */
  until(predicate: (state: ClusterState) => boolean, limitMs?: number, stepMs?: number): number | null;
}

/**
 * simulateHawk runs hawk's judging loop on a cluster fixture: it evaluates it over time, carrying the previous state as
 * the server does.
 */
export function simulateHawk(cluster: ClusterBuilder, config: HawkConfig = DEFAULT_CONFIG): HawkRun {
  let state: ClusterState | null = null;
  const timeline: { at: number; kind: 'opened' | 'resolved'; finding: Finding }[] = [];
  const run: HawkRun = {
    cluster,
    get state() {
      return state ?? run.evaluate().state;
    },
    timeline,
    evaluate() {
      const result = evaluateCluster(cluster.build(), state, config, cluster.now);
      state = result.state;
      for (const finding of result.opened) timeline.push({ at: cluster.now, kind: 'opened', finding });
      for (const finding of result.resolved) timeline.push({ at: cluster.now, kind: 'resolved', finding });
      return run;
    },
    advance(ms, stepMs = 1000) {
      for (let left = ms; left > 0; left -= stepMs) {
        cluster.advance(Math.min(stepMs, left));
        run.evaluate();
      }
      return run;
    },
    findings() {
      return run.state.findings.map(shapeOf);
    },
    until(predicate, limitMs = 60_000, stepMs = 100) {
      const start = cluster.now;
      if (predicate(run.evaluate().state)) return 0;
      while (cluster.now - start < limitMs) {
        run.advance(stepMs, stepMs);
        if (predicate(run.state)) return cluster.now - start;
      }
      return null;
    },
  };
  return run;
}

export function shapeOf(finding: Finding): FindingShape {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    component: finding.component,
    subject: finding.subject,
    causedBy: finding.causedBy,
  };
}

/** judgeRule runs one rule on a fixture now, as evaluateCluster would, for rule tests. */
export function judgeRule(
  rule: Rule,
  cluster: ClusterBuilder,
  config: HawkConfig = DEFAULT_CONFIG,
): readonly FindingDraft[] {
  const input = cluster.build();
  return rule.evaluate(input, deriveCluster(input, config, cluster.now), config, cluster.now);
}

/**
 * timelineOf: a run's timeline as the server records it: findings opened and resolved, and the leader transitions
 * the lease trackers recorded (each observed before the judgement that follows it).
 */
export function timelineOf(run: HawkRun, clusterId = run.state.identity.id): TimelineEvent[] {
  const transitions = run.state.leases.flatMap((lease) =>
    lease.transitions.map((transition): TimelineEvent => ({
      kind: 'leader-transition',
      clusterId,
      at: transition.at,
      transition,
    })),
  );
  const findings = run.timeline.map(({ at, kind, finding }): TimelineEvent =>
    kind === 'opened'
      ? { kind: 'finding-opened', clusterId, at, finding }
      : { kind: 'finding-resolved', clusterId, at, findingId: finding.id, title: finding.title },
  );
  return [...transitions, ...findings].sort((a, b) => a.at - b.at);
}
