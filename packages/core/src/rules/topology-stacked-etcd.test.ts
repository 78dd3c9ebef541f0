import { describe, expect, it } from 'vitest';
import type { EtcdTopology } from '../model/etcd';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { topologyStackedEtcd } from './topology-stacked-etcd';

describe('TopologyStackedEtcd', () => {
  it.each<[EtcdTopology, number]>([
    ['stacked', 1],
    ['external', 0],
    ['unknown', 0],
  ])('%s → %d', (topology, count) => {
    expect(judgeRule(topologyStackedEtcd, aCluster().withEtcd(3, { topology }))).toHaveLength(count);
  });
});
