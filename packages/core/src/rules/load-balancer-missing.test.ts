import { describe, expect, it } from 'vitest';
import type { ApiServerFrontDoor } from '../model/apiserver';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { loadBalancerMissing } from './load-balancer-missing';

describe('LoadBalancerMissing', () => {
  it.each<[ApiServerFrontDoor['kind'], number]>([
    ['instance', 1],
    ['load-balancer', 0],
    ['unknown', 0],
  ])('front door %s → %d finding(s)', (kind, count) => {
    expect(judgeRule(loadBalancerMissing, aCluster().withApiServers(3).withFrontDoor(kind))).toHaveLength(count);
  });
});
