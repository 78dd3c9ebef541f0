import { describeRemaining } from '../certificates/expiry';
import { etcdctl, type Rule } from './rule';

const MiB = 1024 ** 2;

/**
 * EtcdQuotaExhaustionPredicted: a member's DB grows fast enough to reach the quota within
 * config.etcdQuotaEtaHorizonMs. EtcdDbNearQuota speaks at 80 % full; this speaks hours before, whatever the fill,
 * when something writes faster than compaction frees. An expected finding: the verdict stays as it is.
 */
export const etcdQuotaExhaustionPredicted: Rule = {
  id: 'EtcdQuotaExhaustionPredicted',
  component: 'etcd',
  severity: 'warning',
  impact: 'none',
  kind: 'expected',
  summary: "At the DB's recent growth rate, etcd reaches its quota (NOSPACE) within etcdQuotaEtaHorizonMs.",
  evaluate: (input, derived, config, now) => {
    if (!derived.etcdLive) return [];
    return derived.etcdDb.flatMap((use) => {
      const member = input.etcd.members.find((m) => m.id === use.memberId);
      const fullAt = use.trend?.fullAt ?? null;
      if (!member?.status || fullAt === null || fullAt <= now || fullAt - now > config.etcdQuotaEtaHorizonMs) return [];
      const growth = `${Math.round(use.trend!.bytesPerHour / MiB)} MiB/h`;
      const eta = describeRemaining(fullAt - now);
      const { dbSizeBytes, dbSizeInUseBytes } = member.status;
      const defragWouldFree = dbSizeInUseBytes !== null && dbSizeInUseBytes < dbSizeBytes / 2;
      return [
        {
          subject: member.name,
          expectedAt: fullAt,
          title: `etcd ${member.name} DB grows ${growth}: NOSPACE ${eta} at this rate`,
          evidence: {
            member: member.name,
            dbSizeBytes,
            dbSizeInUseBytes,
            quotaBytes: input.etcd.quotaBytes,
            growthBytesPerHour: Math.round(use.trend!.bytesPerHour),
            projectedFullAt: new Date(fullAt).toISOString(),
          },
          remediation:
            'Find what writes: the object counts that climb (apiserver_storage_objects), Events, a controller ' +
            'rewriting objects. ' +
            (defragWouldFree
              ? 'Less than half the DB is in use: a defragmentation frees space now, one member at a time.'
              : 'Most of the DB is in use: defragmenting frees little; stop the writer or raise ' +
                '--quota-backend-bytes.'),
          commands: [
            etcdctl('endpoint status --cluster -w table'),
            "kubectl get --raw /metrics | grep '^apiserver_storage_objects' | sort -k2 -n | tail",
            etcdctl('defrag --endpoints=<one member at a time>'),
          ],
        },
      ];
    });
  },
};
