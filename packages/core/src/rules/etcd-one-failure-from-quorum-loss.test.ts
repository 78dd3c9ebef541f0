import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdOneFailureFromQuorumLoss } from './etcd-one-failure-from-quorum-loss';

describe('EtcdOneFailureFromQuorumLoss', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['3/3', () => aCluster().withEtcd(3), []],
    ['2/3', () => aCluster().withEtcd(3).stopEtcdMember(3), ['etcd 2/3: quorum held, one more failure loses it']],
    [
      '3/5',
      () => aCluster().withEtcd(5).stopEtcdMember(4).stopEtcdMember(5),
      ['etcd 3/5: quorum held, one more failure loses it'],
    ],
    ['4/5', () => aCluster().withEtcd(5).stopEtcdMember(5), []],
    ['2/2', () => aCluster().withEtcd(2), ['etcd 2/2: quorum held, one more failure loses it']],
    ["1/1 is EtcdSingleMember's", () => aCluster().withEtcd(1), []],
    ['1/3 is lost, not one from it', () => aCluster().withEtcd(3).stopEtcdMember(1).stopEtcdMember(2), []],
    [
      '1/3 answering while two drain: raft holds quorum with no margin',
      () => aCluster().withEtcd(3).drainEtcdMember(2).drainEtcdMember(3),
      ['etcd 1/3 answering; raft still has a leader: cp-1, term 2; quorum held, one more failure loses it'],
    ],
    [
      'the survivor names the draining leader',
      () => aCluster().withEtcd(3).drainEtcdMember(1).drainEtcdMember(3),
      [
        'etcd 1/3 answering; raft still has a leader: cp-1, term 2 (not answering, named by cp-2); quorum ' +
          'held, one more failure loses it',
      ],
    ],
    [
      '2/3 answering, naming the draining leader: raft still counts 3',
      () => aCluster().withEtcd(3).drainEtcdMember(1),
      [],
    ],
  ])('%s', (_name, cluster, titles) => {
    expect(judgeRule(etcdOneFailureFromQuorumLoss, cluster()).map((d) => d.title)).toEqual(titles);
  });
});
