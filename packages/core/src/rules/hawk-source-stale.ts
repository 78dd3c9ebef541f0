import type { SourceName } from '../model/cluster';
import type { Rule } from './rule';

/** HawkSourceStale: one of hawk's own sources is not live; what it feeds is shown as unknown, not as broken. */
export const hawkSourceStale: Rule = {
  id: 'HawkSourceStale',
  component: 'hawk',
  severity: 'warning',
  impact: 'unknown',
  summary: 'A hawk source (watch or probe) is reconnecting or stale.',
  evaluate: (input, _derived, _config, now) =>
    (Object.keys(input.sources) as SourceName[]).sort().flatMap((source) => {
      const freshness = input.sources[source]!;
      if (freshness.state !== 'reconnecting' && freshness.state !== 'stale') return [];
      return [
        {
          subject: source,
          title:
            `hawk's view of ${source} is ${freshness.state}` +
            (freshness.lastEventAt === null
              ? ''
              : `, data as of ${Math.round((now - freshness.lastEventAt) / 1000)} s ago`),
          evidence: {
            source,
            state: freshness.state,
            lastEventAt: freshness.lastEventAt,
            detail: freshness.detail ?? null,
          },
          remediation:
            'hawk is relisting or reconnecting; what depends on this source is shown as unknown until it is ' +
            "live again. If it persists, check hawk's logs and its RBAC.",
          commands: [
            'kubectl auth can-i list leases -n kube-system',
            'kubectl auth can-i watch endpointslices -n default',
          ],
        },
      ];
    }),
};
