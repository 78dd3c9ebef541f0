import { etcdctl, type Rule } from './rule';

/** EtcdDbNearQuota: a member's database nears the backend quota; at the quota etcd raises NOSPACE and turns read-only. */
export const etcdDbNearQuota: Rule = {
  id: 'EtcdDbNearQuota',
  component: 'etcd',
  severity: 'warning',
  impact: 'degraded',
  summary: "An etcd member's DB size is above etcdDbWarnRatio of the quota.",
  evaluate: (input, derived, config) => {
    if (!derived.etcdLive || input.etcd.quotaBytes <= 0) return [];
    return input.etcd.members.flatMap((member) => {
      const size = member.status?.dbSizeBytes;
      if (size === undefined) return [];
      const ratio = size / input.etcd.quotaBytes;
      if (ratio < config.etcdDbWarnRatio) return [];
      return [
        {
          subject: member.name,
          title: `etcd ${member.name} DB at ${Math.round(ratio * 100)}% of its quota`,
          evidence: { member: member.name, dbSizeBytes: size, dbSizeInUseBytes: member.status?.dbSizeInUseBytes ?? null, quotaBytes: input.etcd.quotaBytes },
          ...(ratio >= config.etcdDbCriticalRatio ? { severity: 'critical' as const } : {}),
          remediation: 'Compact and defragment (in use far below size means defrag alone frees it); otherwise find what grows (events, CRDs) or raise --quota-backend-bytes.',
          commands: [etcdctl('endpoint status --cluster -w table'), etcdctl('defrag --cluster')],
        },
      ];
    });
  },
};
