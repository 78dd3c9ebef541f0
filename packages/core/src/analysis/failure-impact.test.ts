import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { deriveCluster } from './derive';
import { failureImpacts } from './failure-impact';

const impacts = (cluster: ClusterBuilder) => {
  const input = cluster.build();
  return failureImpacts(input, deriveCluster(input, DEFAULT_CONFIG, cluster.now));
};
const full = () =>
  aCluster()
    .withApiServers(3)
    .withEtcd(3)
    .withLease('kube-scheduler')
    .withNodes(3, { zones: ['a', 'b', 'c'] });

describe('failureImpacts', () => {
  it('full HA survives any one node or zone', () => {
    const result = impacts(full());
    expect(result.map((i) => [i.kind, i.name, i.survivable])).toEqual([
      ['node', 'cp-1', true],
      ['node', 'cp-2', true],
      ['node', 'cp-3', true],
      ['zone', 'a', true],
      ['zone', 'b', true],
      ['zone', 'c', true],
    ]);
    expect(result[1]!.summary).toBe('losing cp-2 now would leave etcd at 2/3: quorum kept, 2/3 apiservers serving');
  });

  it('with one etcd member already down, names the node whose loss loses quorum', () => {
    const [cp1, cp2, cp3] = impacts(full().stopEtcdMember(3));
    expect(cp2).toMatchObject({
      survivable: false,
      etcd: { healthyLeft: 1, voters: 3, quorumKept: false },
      apiServersLeft: 2,
      apiServersTotal: 3,
    });
    expect(cp2!.summary).toBe('losing cp-2 now would leave etcd at 1/3: quorum lost, 2/3 apiservers serving');
    expect(cp1!.survivable).toBe(false);
    expect(cp3!.summary).toBe('losing cp-3 now would leave etcd at 2/3: quorum kept, 2/3 apiservers serving');
  });

  it('a zone holding every candidate of a lease and the last apiserver', () => {
    const cluster = aCluster()
      .withApiServers(1)
      .withLease('kube-scheduler', { candidates: 2 })
      .withNodes(2, { zones: ['a'] });
    const zone = impacts(cluster).find((i) => i.kind === 'zone')!;
    expect(zone).toMatchObject({
      name: 'a',
      apiServersLeft: 0,
      leasesWithoutCandidate: ['kube-scheduler'],
      etcd: null,
      survivable: false,
    });
    expect(zone.summary).toBe(
      'losing zone a now would leave 0/1 apiservers serving, no candidate left for kube-scheduler',
    );
  });

  it('a candidate already down is not counted on: losing the node of the last live one loses the lease', () => {
    const cluster = aCluster()
      .withLease('kube-scheduler', { candidates: 2, deadCandidates: [2] })
      .withNodes(2);
    expect(impacts(cluster).map((i) => i.leasesWithoutCandidate)).toEqual([['kube-scheduler'], []]);
  });

  it('a holder without candidates is placed by its identity', () => {
    const cluster = aCluster().withLease('kube-scheduler', { candidates: 0 }).withNodes(2);
    expect(impacts(cluster).map((i) => i.leasesWithoutCandidate)).toEqual([['kube-scheduler'], []]);
  });

  it('nothing known on a node', () => {
    expect(impacts(aCluster().withNodes(1))[0]!.summary).toBe('losing cp-1 now would leave nothing hawk can judge');
  });

  it('no nodes, no analysis', () => {
    expect(impacts(aCluster().withApiServers(3).withEtcd(3))).toEqual([]);
  });
});
