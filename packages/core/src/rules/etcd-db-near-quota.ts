import { etcdctl, type Rule } from './rule';

/**
 * EtcdDbNearQuota: a member's database nears the backend quota; at the quota etcd raises NOSPACE and turns read-only.
 */
export const etcdDbNearQuota: Rule = {
  id: 'EtcdDbNearQuota',
  component: 'etcd',
  severity: 'warning',
  impact: 'degraded',
  summary: "An etcd member's DB size is above etcdDbWarnRatio of the quota.",
  // The severity is the one judgeEtcdDb gave (etcd/db-use.ts), which the screens' bars show too.
  evaluate: (input, derived) => {
    if (!derived.etcdLive) return [];
    return derived.etcdDb.flatMap((use) => {
      const member = input.etcd.members.find((m) => m.id === use.memberId);
      if (use.severity === 'ok' || !member?.status) return [];
      return [
        {
          subject: member.name,
          title: `etcd ${member.name} DB at ${Math.round(use.ratio * 100)}% of its quota`,
          evidence: {
            member: member.name,
            dbSizeBytes: member.status.dbSizeBytes,
            dbSizeInUseBytes: member.status.dbSizeInUseBytes,
            quotaBytes: input.etcd.quotaBytes,
          },
          ...(use.severity === 'critical' ? { severity: 'critical' as const } : {}),
          remediation:
            'Compact and defragment (in use far below size means defrag alone frees it); otherwise find what ' +
            'grows (events, CRDs) or raise --quota-backend-bytes.',
          commands: [etcdctl('endpoint status --cluster -w table'), etcdctl('defrag --cluster')],
        },
      ];
    });
  },
};
