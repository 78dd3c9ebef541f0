import type { Rule } from './rule';

/**
 * HawkObjectsDropped: a watched source listed more objects than hawk keeps (leader Leases per namespace), so some
 * are not shown nor judged. Usually a controller creating Leases in a loop, or someone filling a namespace hawk
 * watches; hawk stays within its memory instead of holding them all, and says what it left out.
 */
export const hawkObjectsDropped: Rule = {
  id: 'HawkObjectsDropped',
  component: 'hawk',
  severity: 'warning',
  impact: 'none',
  summary: 'A watched source listed more objects than hawk keeps: the rest are neither shown nor judged.',
  evaluate: (input) =>
    Object.entries(input.sources).flatMap(([source, freshness]) =>
      Object.entries(freshness?.dropped ?? {}).map(([path, { kept, dropped }]) => ({
        subject: `${source}:${path}`,
        title: `hawk keeps ${kept} ${source} of ${path}: ${dropped} more left out`,
        evidence: { source, path, kept, dropped },
        remediation:
          'Find what creates them (often a controller retrying in a loop) and stop it, or stop watching that ' +
          'namespace (HAWK_LEASE_NAMESPACES) if its leases are not leader elections you need to see.',
        commands: [
          `kubectl get --raw '${path}?limit=20' | jq -r '.items[] | [.metadata.creationTimestamp, .metadata.name, ` +
            `(.metadata.managedFields // [] | map(.manager) | join(","))] | @tsv'`,
        ],
      })),
    ),
};
