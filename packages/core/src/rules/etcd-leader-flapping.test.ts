import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdLeaderFlapping } from './etcd-leader-flapping';

describe('EtcdLeaderFlapping', () => {
  it.each([
    [2, 60_000, 0],
    [3, 60_000, 1],
    [3, 400_000, 0],
  ])('%d leader changes %d ms apart → %d', (changes, everyMs, count) => {
    const cluster = aCluster().withEtcd(3);
    for (let i = 0; i < changes; i++) cluster.advance(everyMs).restartEtcdLeader();
    expect(judgeRule(etcdLeaderFlapping, cluster)).toHaveLength(count);
  });

  it('not judged without a live etcd view', () => {
    expect(judgeRule(etcdLeaderFlapping, aCluster())).toEqual([]);
  });
});
