import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { loadBalancerUnreachable } from './load-balancer-unreachable';

describe('LoadBalancerUnreachable', () => {
  it.each<[string, () => ClusterBuilder, number]>([
    ['LB up', () => aCluster().withApiServers(3), 0],
    ['LB down, instances serving', () => aCluster().withApiServers(3).stopLoadBalancer(), 1],
    [
      'LB down and every instance down: a consequence, not its own fault',
      () => aCluster().withApiServers(2).stopLoadBalancer().stopApiServer(1).stopApiServer(2),
      0,
    ],
    ['kubeconfig on an instance', () => aCluster().withApiServers(3).withFrontDoor('instance').stopApiServer(1), 0],
  ])('%s', (_name, cluster, count) => {
    expect(judgeRule(loadBalancerUnreachable, cluster())).toHaveLength(count);
  });

  it('a front door never probed is not judged', () => {
    const cluster = aCluster().withApiServers(3).stopLoadBalancer();
    const input = cluster.build();
    const drafts = loadBalancerUnreachable.evaluate(
      {
        ...input,
        frontDoor: { ...input.frontDoor, health: { livez: null, readyz: null, lastOkAt: null, okSince: null } },
      },
      { serving: input.apiServers } as never,
      {} as never,
      cluster.now,
    );
    expect(drafts).toEqual([]);
  });

  // Seen in a chaos run: one apiserver stopped, HAProxy relayed hawk's probe to it before its own check removed it.
  it('a load balancer that accepts but relays a failure is judged only once it persists past the grace', () => {
    const cluster = aCluster().withApiServers(3);
    const input = cluster.build();
    const relayed = {
      at: cluster.now,
      ok: false,
      httpStatus: null,
      latencyMs: null,
      failedChecks: [],
      error: 'other side closed (UND_ERR_SOCKET)',
    };
    const failingFor = (ms: number) => ({
      ...input,
      frontDoor: {
        ...input.frontDoor,
        health: { livez: relayed, readyz: relayed, lastOkAt: cluster.now - ms, okSince: null },
      },
    });
    const judge = (ms: number) =>
      loadBalancerUnreachable.evaluate(
        failingFor(ms),
        { serving: input.apiServers } as never,
        DEFAULT_CONFIG,
        cluster.now,
      );
    expect(judge(2_000)).toEqual([]);
    expect(judge(DEFAULT_CONFIG.loadBalancerFailureGraceMs + 1)).toHaveLength(1);
    // Nothing listening at all: the load balancer itself is gone, said at once.
    const refused = { ...relayed, error: 'connect ECONNREFUSED 10.213.0.10:6443' };
    const input2 = {
      ...input,
      frontDoor: {
        ...input.frontDoor,
        health: { livez: refused, readyz: refused, lastOkAt: cluster.now - 500, okSince: null },
      },
    };
    expect(
      loadBalancerUnreachable.evaluate(input2, { serving: input.apiServers } as never, DEFAULT_CONFIG, cluster.now),
    ).toHaveLength(1);
  });
  // Seen in kubeadm chaos (seed 31): one etcd member stopped; hawk's first front-door probe after 4 calm seconds, and
  // its
  // retry on a new connection, both went to that member's apiserver before HAProxy's check removed it (HAProxy had 2
  // backends UP throughout). Its last success was 7.7 s old, so the grace counted from it had run out at the first
  // failure.
  it('a relayed failure gets the grace from its first failure, however old the last success', () => {
    const cluster = aCluster().withApiServers(3);
    const input = cluster.build();
    const relayed = {
      at: cluster.now,
      ok: false,
      httpStatus: null,
      latencyMs: null,
      failedChecks: [],
      error: 'timed out: no response within 1493 ms',
    };
    const judge = (failingForMs: number) => {
      const health = {
        livez: relayed,
        readyz: relayed,
        lastOkAt: cluster.now - 7_700,
        okSince: null,
        failingSince: cluster.now - failingForMs,
      };
      return loadBalancerUnreachable.evaluate(
        { ...input, frontDoor: { ...input.frontDoor, health } },
        { serving: input.apiServers } as never,
        DEFAULT_CONFIG,
        cluster.now,
      );
    };
    expect(judge(0)).toEqual([]);
    expect(judge(DEFAULT_CONFIG.loadBalancerFailureGraceMs - 1)).toEqual([]);
    expect(judge(DEFAULT_CONFIG.loadBalancerFailureGraceMs + 1)).toHaveLength(1);
  });
  // Seen in kubeadm replica chaos: quorum back, one apiserver serving again, HAProxy not yet passing to it (rise 2 × 1
  // s).
  it(
    "a relayed failure right after instances began serving again gets the grace from then, not from the LB's " +
      'last success',
    () => {
      const cluster = aCluster().withApiServers(3);
      const input = cluster.build();
      const relayed = {
        at: cluster.now,
        ok: false,
        httpStatus: null,
        latencyMs: null,
        failedChecks: [],
        error: 'other side closed (UND_ERR_SOCKET)',
      };
      const frontDoor = {
        ...input.frontDoor,
        health: { livez: relayed, readyz: relayed, lastOkAt: cluster.now - 30_000, okSince: null },
      };
      const judge = (servingForMs: number) => {
        const serving = input.apiServers.map((instance) => ({
          ...instance,
          health: { ...instance.health, okSince: cluster.now - servingForMs },
        }));
        return loadBalancerUnreachable.evaluate(
          { ...input, apiServers: serving, frontDoor },
          { serving } as never,
          DEFAULT_CONFIG,
          cluster.now,
        );
      };
      expect(judge(2_000)).toEqual([]);
      expect(judge(DEFAULT_CONFIG.loadBalancerFailureGraceMs + 1)).toHaveLength(1);
    },
  );
});
