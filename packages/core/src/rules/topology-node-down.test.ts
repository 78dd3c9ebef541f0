import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { topologyNodeDown } from './topology-node-down';

const full = () => aCluster().withApiServers(3).withEtcd(3).withNodes(3);

describe('TopologyNodeDown', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['all up', full, []],
    [
      'node NotReady',
      () => full().stopNode('cp-2'),
      ['control-plane node cp-2 down with 1 apiserver(s) and 1 etcd member(s)'],
    ],
    [
      'everything on cp-3 stopped, node still Ready',
      () => full().stopApiServer(3).stopEtcdMember(3),
      ['control-plane node cp-3 down with 1 apiserver(s) and 1 etcd member(s)'],
    ],
    ['only the apiserver on cp-3 stopped', () => full().stopApiServer(3), []],
    ['apiservers answering 500 (etcd down) are alive', () => full().stopEtcdMember(1).stopEtcdMember(2), []],
    [
      'apiservers blocked on etcd (/readyz unanswered, connection answering) are alive',
      () => full().hangReadyzWithoutQuorum(2).hangReadyzWithoutQuorum(3).stopEtcdMember(2).stopEtcdMember(3),
      [],
    ],
  ])('%s', (_name, cluster, titles) => {
    expect(judgeRule(topologyNodeDown, cluster()).map((d) => d.title)).toEqual(titles);
  });

  it('a NotReady node with nothing known on it', () => {
    const cluster = aCluster().withNodes(2).stopNode('cp-1');
    expect(judgeRule(topologyNodeDown, cluster).map((d) => d.title)).toEqual(['control-plane node cp-1 down']);
  });
});
