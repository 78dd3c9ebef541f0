import { describe, expect, it } from 'vitest';
import { aCluster, type LeaseOptions } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionSingleCandidate } from './leader-election-single-candidate';

describe('LeaderElectionSingleCandidate', () => {
  it.each<[string, LeaseOptions, string[]]>([
    ['three candidates', { candidates: 3 }, []],
    ['one candidate', { candidates: 1 }, ['kube-system/kube-scheduler']],
    ['one pod-derived candidate', { candidates: 1, candidatesSource: 'pod' }, ['kube-system/kube-scheduler']],
    ['candidates unknown: not judged', { candidates: 0 }, []],
  ])('%s', (_name, options, subjects) => {
    expect(judgeRule(leaderElectionSingleCandidate, aCluster().withLease('kube-scheduler', options)).map((d) => d.subject)).toEqual(subjects);
  });
});
