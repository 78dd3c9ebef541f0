import type { ClusterInput, Verdict } from '../model/cluster';
import type { Impact } from '../rules/rule';

const PRECEDENCE = ['down', 'unknown', 'spof', 'degraded'] as const satisfies readonly Impact[];

/**
 * verdictOf: not reachable or still connecting → unknown; managed → not-visible; otherwise the
 * gravest impact among the findings, in the order down, unknown (hawk's view is stale), spof, degraded.
 */
export function verdictOf(input: ClusterInput, impacts: readonly Impact[]): Verdict {
  if (input.reachability.state !== 'reachable') return 'unknown';
  if (input.controlPlaneHidden) return 'not-visible';
  return PRECEDENCE.find((impact) => impacts.includes(impact)) ?? 'ha-ok';
}
