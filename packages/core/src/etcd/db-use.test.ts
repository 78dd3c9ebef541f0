import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { EtcdMember } from '../model/etcd';
import { anEtcdView } from '../testing/etcd-view';
import { judgeEtcdDb } from './db-use';

const QUOTA = 1000;
const member = (id: string, dbSizeBytes: number | null): EtcdMember => ({
  id,
  name: `etcd-${id}`,
  peerURLs: [],
  clientURLs: [],
  isLearner: false,
  reachable: dbSizeBytes !== null,
  status:
    dbSizeBytes === null
      ? null
      : {
          leaderId: '1',
          raftTerm: '2',
          raftIndex: '3',
          dbSizeBytes,
          dbSizeInUseBytes: null,
          version: '3.6.8',
          isLearner: false,
          errors: [],
        },
  error: null,
  checkedAt: 0,
});

describe('judgeEtcdDb', () => {
  it.each([
    ['below the warning ratio', 799, 'ok'],
    ['at the warning ratio', 800, 'warning'],
    ['at the critical ratio', 950, 'critical'],
    ['past the quota', 1200, 'critical'],
  ] as const)('%s', (_name, size, severity) => {
    expect(judgeEtcdDb(anEtcdView({ members: [member('1', size)], quotaBytes: QUOTA }), DEFAULT_CONFIG)).toEqual([
      { memberId: '1', ratio: size / QUOTA, severity, trend: null },
    ]);
  });

  it('reads the configured ratios, not fixed ones', () => {
    const etcd = anEtcdView({ members: [member('1', 600), member('2', 850)], quotaBytes: QUOTA });
    const config = { ...DEFAULT_CONFIG, etcdDbWarnRatio: 0.5, etcdDbCriticalRatio: 0.85 };
    expect(judgeEtcdDb(etcd, config).map((use) => use.severity)).toEqual(['warning', 'critical']);
  });

  it('a member without status, or a zero quota, gets no entry rather than a fake zero', () => {
    expect(
      judgeEtcdDb(anEtcdView({ members: [member('1', null), member('2', 10)], quotaBytes: QUOTA }), DEFAULT_CONFIG).map(
        (use) => use.memberId,
      ),
    ).toEqual(['2']);
    expect(judgeEtcdDb(anEtcdView({ members: [member('1', 10)], quotaBytes: 0 }), DEFAULT_CONFIG)).toEqual([]);
  });
});
