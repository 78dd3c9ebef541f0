import { describe, expect, it } from 'vitest';
import { aCluster } from '../testing/index';
import { judgeRule } from '../testing/run';
import { etcdDbNearQuota } from './etcd-db-near-quota';

const GiB = 1024 ** 3;

describe('EtcdDbNearQuota', () => {
  it.each([
    [0.5, []],
    [0.85, [['etcd cp-1 DB at 85% of its quota', undefined]]],
    [0.97, [['etcd cp-1 DB at 97% of its quota', 'critical']]],
  ])('DB at %d of quota', (ratio, expected) => {
    const cluster = aCluster()
      .withEtcd(1)
      .withEtcdDbSize(ratio * 2 * GiB);
    expect(judgeRule(etcdDbNearQuota, cluster).map((d) => [d.title, d.severity])).toEqual(expected);
  });

  it('a down member has no size to judge; a zero quota judges nothing', () => {
    expect(
      judgeRule(
        etcdDbNearQuota,
        aCluster()
          .withEtcd(1)
          .withEtcdDbSize(2 * GiB)
          .stopEtcdMember(1),
      ),
    ).toEqual([]);
    expect(judgeRule(etcdDbNearQuota, aCluster().withEtcd(1, { quotaBytes: 0 }))).toEqual([]);
  });
});
