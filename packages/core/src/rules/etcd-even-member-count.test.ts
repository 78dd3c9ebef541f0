import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdEvenMemberCount } from './etcd-even-member-count';

describe('EtcdEvenMemberCount', () => {
  it.each([
    [2, 0, 1],
    [3, 0, 0],
    [3, 1, 0],
    [4, 0, 1],
    [5, 0, 0],
  ])('%d voters, %d learner(s) → %d finding(s)', (voters, learners, count) => {
    expect(judgeRule(etcdEvenMemberCount, aCluster().withEtcd(voters, { learners }))).toHaveLength(count);
  });
});
