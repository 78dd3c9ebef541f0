import type { HawkConfig } from '../config';
import type { EtcdDbSample, EtcdDbUse, EtcdView } from '../model/etcd';
import { projectEtcdQuota } from './db-trend';

/**
 * judgeEtcdDb judges each member's DB size against the backend quota: the one place config.etcdDbWarnRatio and
 * etcdDbCriticalRatio are read. A member whose status hawk could not read gets no entry rather than a fake zero.
 */
export function judgeEtcdDb(
  etcd: EtcdView,
  config: HawkConfig,
  samples: Readonly<Record<string, readonly EtcdDbSample[]>> = {},
): EtcdDbUse[] {
  if (etcd.quotaBytes <= 0) return [];
  return etcd.members.flatMap((member) => {
    if (!member.status) return [];
    const ratio = member.status.dbSizeBytes / etcd.quotaBytes;
    const severity =
      ratio >= config.etcdDbCriticalRatio ? 'critical' : ratio >= config.etcdDbWarnRatio ? 'warning' : 'ok';
    const trend = projectEtcdQuota(samples[member.id] ?? [], etcd.quotaBytes, config);
    return [{ memberId: member.id, ratio, severity, trend }];
  });
}
