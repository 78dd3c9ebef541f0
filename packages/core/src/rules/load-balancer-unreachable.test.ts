import { describe, expect, it } from 'vitest';
import { aCluster, type ClusterBuilder } from '../testing/index';
import { judgeRule } from '../testing/run';
import { loadBalancerUnreachable } from './load-balancer-unreachable';

describe('LoadBalancerUnreachable', () => {
  it.each<[string, () => ClusterBuilder, number]>([
    ['LB up', () => aCluster().withApiServers(3), 0],
    ['LB down, instances serving', () => aCluster().withApiServers(3).stopLoadBalancer(), 1],
    ['LB down and every instance down: a consequence, not its own fault', () => aCluster().withApiServers(2).stopLoadBalancer().stopApiServer(1).stopApiServer(2), 0],
    ['kubeconfig on an instance', () => aCluster().withApiServers(3).withFrontDoor('instance').stopApiServer(1), 0],
  ])('%s', (_name, cluster, count) => {
    expect(judgeRule(loadBalancerUnreachable, cluster())).toHaveLength(count);
  });

  it('a front door never probed is not judged', () => {
    const cluster = aCluster().withApiServers(3).stopLoadBalancer();
    const input = cluster.build();
    const drafts = loadBalancerUnreachable.evaluate({ ...input, frontDoor: { ...input.frontDoor, health: { livez: null, readyz: null, lastOkAt: null } } }, { serving: input.apiServers } as never, {} as never, cluster.now);
    expect(drafts).toEqual([]);
  });
});
