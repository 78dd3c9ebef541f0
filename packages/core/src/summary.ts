import type { ClusterState } from './model/cluster';
import type { ClusterSummary } from './model/transport';

/** summarizeCluster: one overview tile. The worst finding is the first root cause (findings come sorted). */
export function summarizeCluster(state: ClusterState): ClusterSummary {
  const findingCounts = { critical: 0, warning: 0, info: 0 };
  for (const finding of state.findings) findingCounts[finding.severity] += 1;
  return {
    id: state.identity.id,
    context: state.identity.context,
    name: state.identity.name,
    verdict: state.verdict,
    worstFinding: state.findings.find((f) => f.causedBy === null) ?? state.findings[0] ?? null,
    findingCounts,
    observedAt: state.observedAt,
    labels: state.identity.labels,
  };
}
