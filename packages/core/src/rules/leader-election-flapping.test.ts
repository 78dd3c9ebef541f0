import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionFlapping } from './leader-election-flapping';

describe('LeaderElectionFlapping', () => {
  it.each([
    ['2 transitions in 10 min', 2, 60_000, 0],
    ['3 transitions in 10 min', 3, 60_000, 1],
    ['3 transitions over 30 min', 3, 600_000, 0],
  ])('%s', (_name, transitions, everyMs, count) => {
    const cluster = aCluster().withLease('kube-scheduler');
    for (let i = 0; i < transitions; i++) cluster.advance(everyMs).acquireLease('kube-scheduler', (i % 3) + 2);
    expect(judgeRule(leaderElectionFlapping, cluster)).toHaveLength(count);
  });
});
