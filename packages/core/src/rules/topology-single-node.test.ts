import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { topologySingleNode } from './topology-single-node';

describe('TopologySingleNode', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['no nodes known (lab on loopback)', () => aCluster().withApiServers(3).withEtcd(3), []],
    ['one node', () => aCluster().withApiServers(1).withEtcd(1).withNodes(1), ['cp-1']],
    ['one node, nothing placed on it', () => aCluster().withNodes(1), ['cp-1']],
    ['three nodes', () => aCluster().withApiServers(3).withEtcd(3).withNodes(3), []],
  ])('%s', (_name, cluster, subjects) => {
    expect(judgeRule(topologySingleNode, cluster()).map((d) => d.subject)).toEqual(subjects);
  });
});
