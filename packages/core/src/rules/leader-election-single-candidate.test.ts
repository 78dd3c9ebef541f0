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
    ['three pods, one down: still a standby', { candidates: 3, candidatesSource: 'pod', deadCandidates: [3] }, []],
    [
      'three pods, two down: the holder alone is live',
      { candidates: 3, candidatesSource: 'pod', deadCandidates: [2, 3] },
      ['kube-system/kube-scheduler'],
    ],
    // The holder's own instance is failing: the other is a standby, and takes over; the spof is judged after that.
    [
      "two pods, the holder's down: the other stands by",
      { candidates: 2, candidatesSource: 'pod', deadCandidates: [1] },
      [],
    ],
    [
      'no holder, one live candidate: it will lead alone',
      { candidates: 2, holder: 0, deadCandidates: [2] },
      ['kube-system/kube-scheduler'],
    ],
    ['no holder, two live candidates: one leads, one stands by', { candidates: 2, holder: 0 }, []],
  ])('%s', (_name, options, subjects) => {
    expect(
      judgeRule(leaderElectionSingleCandidate, aCluster().withLease('kube-scheduler', options)).map((d) => d.subject),
    ).toEqual(subjects);
  });

  it('says how many candidates are down and what to do', () => {
    const [finding] = judgeRule(
      leaderElectionSingleCandidate,
      aCluster().withLease('kube-scheduler', { candidates: 3, deadCandidates: [2, 3] }),
    );
    expect(finding?.title).toBe('1 live candidate for kube-scheduler (2 down): no standby to take over');
    expect(finding?.evidence).toMatchObject({ candidates: 3, live: 1 });
    expect(finding?.remediation).toMatch(/down back/);
    const [none] = judgeRule(
      leaderElectionSingleCandidate,
      aCluster().withLease('kube-scheduler', { candidates: 2, deadCandidates: [1, 2] }),
    );
    expect(none?.title).toBe('0 live candidates for kube-scheduler (2 down): no standby to take over');
  });
});
