import { describe, expect, it } from 'vitest';
import { summarizeCluster } from './summary';
import { aCluster, aFullHaCluster, simulateHawk } from './testing/index';

describe('summarizeCluster', () => {
  it.each([
    ['full HA', () => aFullHaCluster(), 'ha-ok', 'TopologyStackedEtcd', { critical: 0, warning: 0, info: 1 }],
    [
      'quorum lost',
      () => aFullHaCluster().stopEtcdMember(1).stopEtcdMember(2),
      'down',
      'EtcdQuorumLost',
      { critical: 3, warning: 3, info: 1 },
    ],
    ['nothing found', () => aCluster().withApiServers(3), 'ha-ok', null, { critical: 0, warning: 0, info: 0 }],
  ])('%s', (_name, cluster, verdict, worst, counts) => {
    const summary = summarizeCluster(simulateHawk(cluster()).evaluate().state);
    expect(summary).toMatchObject({
      id: 'lab',
      context: 'lab',
      name: 'lab',
      verdict,
      findingCounts: counts,
      labels: {},
    });
    expect(summary.worstFinding?.ruleId ?? null).toBe(worst);
  });
});
