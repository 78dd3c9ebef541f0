import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionLeaderLost } from './leader-election-leader-lost';

describe('LeaderElectionLeaderLost', () => {
  it.each([
    ['silent 10 s of 15', 10_000, 0],
    ['silent 16 s of 15', 16_000, 1],
  ])('%s', (_name, ms, count) => {
    const cluster = aCluster().withLease('kube-scheduler').killLeaseHolder('kube-scheduler').advance(ms);
    expect(judgeRule(leaderElectionLeaderLost, cluster)).toHaveLength(count);
  });

  it("not while hawk's watch is down", () => {
    const cluster = aCluster()
      .withLease('kube-scheduler')
      .killLeaseHolder('kube-scheduler')
      .withSource('leases', 'stale')
      .advance(60_000);
    expect(judgeRule(leaderElectionLeaderLost, cluster)).toEqual([]);
  });
});
