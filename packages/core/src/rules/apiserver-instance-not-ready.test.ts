import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { computeQuorum } from '../etcd/quorum';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { apiServerInstanceNotReady } from './apiserver-instance-not-ready';

describe('ApiServerInstanceNotReady', () => {
  it.each<[string, () => ClusterBuilder, string[]]>([
    ['all serving', () => aCluster().withApiServers(3), []],
    [
      'one refused',
      () => aCluster().withApiServers(3).stopApiServer(2),
      ['apiserver cp-2 not ready: connect ECONNREFUSED'],
    ],
    [
      'etcd check failing on all',
      () => aCluster().withApiServers(2).withEtcd(3).stopEtcdMember(1).stopEtcdMember(2),
      ['apiserver cp-1 not ready: failing etcd', 'apiserver cp-2 not ready: failing etcd'],
    ],
    [
      'probes not live: nobody blamed',
      () => aCluster().withApiServers(3).stopApiServer(1).withSource('apiserver-probes', 'stale'),
      [],
    ],
  ])('%s', (_name, cluster, titles) => {
    expect(judgeRule(apiServerInstanceNotReady, cluster()).map((d) => d.title)).toEqual(titles);
  });

  it.each([
    [
      'HTTP status without checks',
      { readyz: { at: 0, ok: false, httpStatus: 503, latencyMs: 1, failedChecks: [], error: null }, livez: null },
      'HTTP 503',
    ],
    [
      'livez failing',
      { readyz: null, livez: { at: 0, ok: false, httpStatus: null, latencyMs: null, failedChecks: [], error: null } },
      'no answer',
    ],
    ['never probed', { readyz: null, livez: null }, 'not probed yet'],
  ])('reason: %s', (_name, health, reason) => {
    const cluster = aCluster().withApiServers(1);
    const input = cluster.build();
    const instance = { ...input.apiServers[0]!, health: { ...health, lastOkAt: null, okSince: null } };
    const drafts = apiServerInstanceNotReady.evaluate(
      { ...input, apiServers: [instance] },
      {
        leases: [],
        quorum: computeQuorum([], cluster.now, DEFAULT_CONFIG),
        etcdDb: [],
        serving: [],
        probesLive: true,
        etcdLive: false,
        certificates: [],
      },
      {} as never,
      cluster.now,
    );
    expect(drafts[0]!.title).toBe(`apiserver cp-1 not ready: ${reason}`);
  });

  it('an identity-only instance is judged by its lease renewals', () => {
    const cluster = aCluster().withApiServers(1);
    const input = cluster.build();
    const instance = { ...input.apiServers[0]!, address: null, identityRenewedAt: cluster.now - 60_000 };
    const drafts = apiServerInstanceNotReady.evaluate(
      { ...input, apiServers: [instance] },
      {
        leases: [],
        quorum: computeQuorum([], cluster.now, DEFAULT_CONFIG),
        etcdDb: [],
        serving: [],
        probesLive: true,
        etcdLive: false,
        certificates: [],
      },
      { identityRenewStaleMs: 30_000 } as never,
      cluster.now,
    );
    expect(drafts.map((d) => [d.title, d.commands[0]])).toEqual([
      [
        'apiserver cp-1 not ready: identity lease not renewed',
        'kubectl -n kube-system get leases -l apiserver.kubernetes.io/identity -o wide',
      ],
    ]);
  });
});
