import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { clusterUnreachable } from './cluster-unreachable';

describe('ClusterUnreachable', () => {
  it.each([
    ['unreachable', aCluster().unreachable('connect ETIMEDOUT'), ['cluster unreachable: connect ETIMEDOUT']],
    ['reachable again', aCluster().unreachable().reachable(), []],
  ])('%s', (_name, cluster, titles) => {
    expect(judgeRule(clusterUnreachable, cluster).map((d) => d.title)).toEqual(titles);
  });
});
