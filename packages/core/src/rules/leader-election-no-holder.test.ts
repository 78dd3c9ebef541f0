import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionNoHolder } from './leader-election-no-holder';

describe('LeaderElectionNoHolder', () => {
  it.each([
    ['held', 1, []],
    ['no holder', 0, ['cloud-controller-manager has no holder']],
  ])('%s', (_name, holder, titles) => {
    expect(
      judgeRule(leaderElectionNoHolder, aCluster().withLease('cloud-controller-manager', { holder })).map(
        (d) => d.title,
      ),
    ).toEqual(titles);
  });
});
