import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { computeQuorum } from '../etcd/quorum';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdQuorumLost } from './etcd-quorum-lost';

describe('EtcdQuorumLost', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['3/3', () => aCluster().withEtcd(3), []],
    ['2/3', () => aCluster().withEtcd(3).stopEtcdMember(1), []],
    [
      '1/3',
      () => aCluster().withEtcd(3).stopEtcdMember(2).stopEtcdMember(3),
      ['etcd quorum lost: 1/3 members healthy, 2 needed; no member reports a raft leader'],
    ],
    [
      '0/1',
      () => aCluster().withEtcd(1).stopEtcdMember(1),
      ['etcd quorum lost: 0/1 members healthy, 1 needed; no member reports a raft leader'],
    ],
    // A graceful stop closes the client port at once; raft keeps the member while it drains, and the survivor still
    // leads.
    [
      '1/3 answering while two drain: raft still has its leader',
      () => aCluster().withEtcd(3).drainEtcdMember(2).drainEtcdMember(3),
      [],
    ],
    [
      '1/3 answering, a draining leader named by the survivor',
      () => aCluster().withEtcd(3).drainEtcdMember(1).drainEtcdMember(2),
      [],
    ],
    [
      'the drained members leave raft: the survivor loses its leader',
      () =>
        aCluster().withEtcd(3).drainEtcdMember(2).drainEtcdMember(3).advance(7_000).stopEtcdMember(2).stopEtcdMember(3),
      ['etcd quorum lost: 1/3 members healthy, 2 needed; no member reports a raft leader'],
    ],
    ['etcd not readable', () => aCluster(), []],
    [
      'etcd source stale',
      () => aCluster().withEtcd(3).stopEtcdMember(1).stopEtcdMember(2).withSource('etcd', 'stale'),
      [],
    ],
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
    const etcd = {
      ...input.etcd,
      source: 'apiserver-readyz' as const,
      readyzEtcd,
      freshness: { state: 'live' as const, lastEventAt: cluster.now },
    };
    const derived = { quorum: computeQuorum([], cluster.now, DEFAULT_CONFIG), etcdLive: true } as never;
    expect(etcdQuorumLost.evaluate({ ...input, etcd }, derived, {} as never, cluster.now).map((d) => d.title)).toEqual(
      titles,
    );
  });
});
