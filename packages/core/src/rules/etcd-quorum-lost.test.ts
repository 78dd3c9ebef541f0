import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdQuorumLost } from './etcd-quorum-lost';

describe('EtcdQuorumLost', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['3/3', () => aCluster().withEtcd(3), []],
    ['2/3', () => aCluster().withEtcd(3).stopEtcdMember(1), []],
    ['1/3', () => aCluster().withEtcd(3).stopEtcdMember(1).stopEtcdMember(2), ['etcd quorum lost: 1/3 members healthy, 2 needed']],
    ['0/1', () => aCluster().withEtcd(1).stopEtcdMember(1), ['etcd quorum lost: 0/1 members healthy, 1 needed']],
    ['etcd not readable', () => aCluster(), []],
    ['etcd source stale', () => aCluster().withEtcd(3).stopEtcdMember(1).stopEtcdMember(2).withSource('etcd', 'stale'), []],
  ])('%s', (_name, cluster, titles) => {
    expect(judgeRule(etcdQuorumLost, cluster()).map((d) => d.title)).toEqual(titles);
  });

  it.each([
    [{ ok: 0, answered: 3 }, ['etcd quorum lost: no apiserver (0/3) can reach etcd']],
    [{ ok: 1, answered: 3 }, []],
    [{ ok: 0, answered: 0 }, []],
    [null, []],
  ])('from apiserver readyz %j', (readyzEtcd, titles) => {
    const cluster = aCluster().withApiServers(3);
    const input = cluster.build();
    const etcd = { ...input.etcd, source: 'apiserver-readyz' as const, readyzEtcd, freshness: { state: 'live' as const, lastEventAt: cluster.now } };
    const derived = { quorum: { voters: 0, healthy: 0, quorum: 1, failuresTolerated: -1, hasQuorum: false, evenCount: false }, etcdLive: true } as never;
    expect(etcdQuorumLost.evaluate({ ...input, etcd }, derived, {} as never, cluster.now).map((d) => d.title)).toEqual(titles);
  });
});
