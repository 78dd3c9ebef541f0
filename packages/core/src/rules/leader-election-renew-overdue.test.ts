import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionRenewOverdue } from './leader-election-renew-overdue';

describe('LeaderElectionRenewOverdue', () => {
  it.each([
    ['renewing', false, 10_000, []],
    ['silent 2 s: within cadence + slack', true, 2_000, []],
    [
      'silent 5 s',
      true,
      5_000,
      [
        'kube-controller-manager leader not renewing: cp-1_0f3c1a7e-5b1d-4c2e-9a8b-000000000001 silent for 5 ' +
          's (expected every 2 s)',
      ],
    ],
    ["silent 20 s: expired, another rule's", true, 20_000, []],
  ])('%s', (_name, kill, ms, titles) => {
    const cluster = aCluster().withLease('kube-controller-manager').advance(10_000);
    if (kill) cluster.killLeaseHolder('kube-controller-manager');
    expect(judgeRule(leaderElectionRenewOverdue, cluster.advance(ms)).map((d) => d.title)).toEqual(titles);
  });

  it('speaks for the component', () => {
    const cluster = aCluster().withLease('kube-scheduler').killLeaseHolder('kube-scheduler').advance(5_000);
    expect(judgeRule(leaderElectionRenewOverdue, cluster)[0]!.component).toBe('kube-scheduler');
  });
});
