import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { apiServerReducedServing } from './apiserver-reduced-serving';

describe('ApiServerReducedServing', () => {
  it.each<[string, () => ClusterBuilder, unknown[]]>([
    ['3/3', () => aCluster().withApiServers(3), []],
    [
      '2/3',
      () => aCluster().withApiServers(3).stopApiServer(1),
      [{ title: '2/3 apiservers serving', severity: undefined, impact: undefined }],
    ],
    [
      '1/3',
      () => aCluster().withApiServers(3).stopApiServer(1).stopApiServer(2),
      [
        {
          title: 'one apiserver left: a single point of failure (1/3 apiservers serving)',
          severity: 'critical',
          impact: 'spof',
        },
      ],
    ],
    [
      '0/3',
      () => aCluster().withApiServers(3).stopApiServer(1).stopApiServer(2).stopApiServer(3),
      [{ title: 'no apiserver serving (0/3 apiservers serving)', severity: 'critical', impact: 'down' }],
    ],
    [
      '0/1',
      () => aCluster().withApiServers(1).stopApiServer(1),
      [{ title: 'no apiserver serving (0/1 apiservers serving)', severity: 'critical', impact: 'down' }],
    ],
    [
      'probes stale',
      () => aCluster().withApiServers(3).stopApiServer(1).withSource('apiserver-probes', 'reconnecting'),
      [],
    ],
  ])('%s', (_name, cluster, expected) => {
    expect(
      judgeRule(apiServerReducedServing, cluster()).map(({ title, severity, impact }) => ({ title, severity, impact })),
    ).toEqual(expected);
  });
});
