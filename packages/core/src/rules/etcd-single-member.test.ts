import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdSingleMember } from './etcd-single-member';

describe('EtcdSingleMember', () => {
  it.each([
    [1, 0, ['cp-1']],
    [1, 1, ['cp-1']],
    [3, 0, []],
    [0, 0, []],
  ])('%d voter(s), %d learner(s)', (voters, learners, subjects) => {
    expect(judgeRule(etcdSingleMember, aCluster().withEtcd(voters, { learners })).map((d) => d.subject)).toEqual(
      subjects,
    );
  });
});
