import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdNoLeader } from './etcd-no-leader';

describe('EtcdNoLeader', () => {
  it.each<[string, () => ClusterBuilder, number]>([
    ['leader elected', () => aCluster().withEtcd(3), 0],
    ['leader gone with quorum: re-elected', () => aCluster().withEtcd(3).stopEtcdMember(1), 0],
    ['quorum lost: no leader', () => aCluster().withEtcd(3).stopEtcdMember(1).stopEtcdMember(2), 1],
    [
      'two members drain after a graceful stop: the survivor still leads',
      () => aCluster().withEtcd(3).drainEtcdMember(2).drainEtcdMember(3),
      0,
    ],
    ['etcd not readable', () => aCluster(), 0],
  ])('%s', (_name, cluster, count) => {
    expect(judgeRule(etcdNoLeader, cluster())).toHaveLength(count);
  });
});
