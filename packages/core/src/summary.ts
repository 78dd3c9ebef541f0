import type { ClusterState } from './model/cluster';
import type { Finding } from './model/finding';
import type { ClusterSummary } from './model/transport';

/**
 * summarizeCluster: one overview tile. The worst finding is the first current root cause (findings come sorted, what
 * is broken first); expected findings are counted apart, with the one due first, so a tile never looks broken by what
 * is only foreseen.
 */
export function summarizeCluster(state: ClusterState): ClusterSummary {
  const findingCounts = { critical: 0, warning: 0, info: 0 };
  const current = state.findings.filter((f) => f.kind !== 'expected');
  const expected = state.findings.filter((f) => f.kind === 'expected');
  for (const finding of current) findingCounts[finding.severity] += 1;
  return {
    id: state.identity.id,
    context: state.identity.context,
    name: state.identity.name,
    verdict: state.verdict,
    worstFinding: current.find((f) => f.causedBy === null) ?? current[0] ?? null,
    findingCounts,
    expectedCount: expected.length,
    soonestExpected: soonest(expected),
    observedAt: state.observedAt,
    labels: state.identity.labels,
  };
}

function soonest(expected: readonly Finding[]): Finding | null {
  const due = (f: Finding) => f.expectedAt ?? Number.POSITIVE_INFINITY;
  return expected.reduce<Finding | null>((best, f) => (best === null || due(f) < due(best) ? f : best), null);
}
