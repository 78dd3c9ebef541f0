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
    expect(summary).toMatchObject({ expectedCount: 0, soonestExpected: null });
  });

  it('counts expected findings apart: a certificate ending in 3 days is neither the worst finding nor critical', () => {
    const cluster = aFullHaCluster()
      .withCertificate('apiserver', '10.0.0.11:6443', 20, 'later')
      .withCertificate('etcd', '10.0.0.21:2379', 3, 'sooner');
    const summary = summarizeCluster(simulateHawk(cluster).evaluate().state);
    expect(summary.findingCounts).toEqual({ critical: 0, warning: 0, info: 1 });
    expect(summary.worstFinding?.ruleId).toBe('TopologyStackedEtcd');
    expect(summary.expectedCount).toBe(2);
    expect(summary.soonestExpected).toMatchObject({ id: 'CertificateExpiring:etcd:sooner', kind: 'expected' });
  });
});
