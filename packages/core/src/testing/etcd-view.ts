import { DEFAULT_ETCD_QUOTA_BYTES } from '../etcd/topology';
import type { EtcdView } from '../model/etcd';

/**
 * anEtcdView is an etcd read live through its own API: stacked, the default quota, no alarm; members and leader as
 * told.
 */
export function anEtcdView(overrides: Partial<EtcdView> = {}): EtcdView {
  return {
    source: 'etcd-api',
    members: [],
    leaderId: null,
    raftTerm: null,
    alarms: [],
    quotaBytes: DEFAULT_ETCD_QUOTA_BYTES,
    topology: 'stacked',
    topologyEvidence: [],
    leaderChanges: [],
    readyzEtcd: null,
    freshness: { state: 'live', lastEventAt: 0 },
    ...overrides,
  };
}
