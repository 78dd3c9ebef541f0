import { describe, expect, it } from 'vitest';
import type { LeaseRecord } from '../model/lease';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { leaderElectionMalformed } from './leader-election-malformed';

describe('LeaderElectionMalformed', () => {
  it.each<[string, Partial<LeaseRecord>, string[]]>([
    ['well formed', {}, []],
    ['no renew time', { renewTime: null }, ['kube-scheduler is malformed: no renew time']],
    ['zero duration', { leaseDurationSeconds: 0 }, ['kube-scheduler is malformed: lease duration 0']],
    ['no duration', { leaseDurationSeconds: null }, ['kube-scheduler is malformed: lease duration null']],
  ])('%s', (_name, fields, titles) => {
    const cluster = aCluster().withLease('kube-scheduler').writeLease('kube-scheduler', fields, { renewing: false });
    expect(judgeRule(leaderElectionMalformed, cluster).map((d) => d.title)).toEqual(titles);
  });
});
