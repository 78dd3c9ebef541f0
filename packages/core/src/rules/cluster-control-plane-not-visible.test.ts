import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { clusterControlPlaneNotVisible } from './cluster-control-plane-not-visible';

describe('ClusterControlPlaneNotVisible', () => {
  it.each([
    ['managed', true, 1],
    ['self-hosted', false, 0],
  ])('%s', (_name, hidden, count) => {
    const cluster = hidden ? aCluster().withHiddenControlPlane() : aCluster().withApiServers(3);
    expect(judgeRule(clusterControlPlaneNotVisible, cluster)).toHaveLength(count);
  });
});
