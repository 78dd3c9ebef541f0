/**
 * The chaos scorer's verdicts: the lab's record and a finding in, the verdict and its evidence out (`--project bench`).
 */
import { describe, expect, it } from 'vitest';
import type { FindingSighting } from './cluster-feed';
import { judgeSighting, type LabRecord } from './finding-evidence';
import { nowhereSpans, parseHaproxyStats } from './lb-record';
import type { LeaseChange } from './lease-truth';

const T = Date.parse('2026-12-06T23:00:00.000Z');
const HEADER =
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight';
const stats = (...servers: [string, string][]) => {
  const backend = servers.some(([, s]) => s.startsWith('UP')) ? 'UP' : 'DOWN';
  return [
    HEADER,
    'stats,FRONTEND,,,0,1,4000,3,0,0,0,0,0,,,,,OPEN,',
    'kube-apiserver,FRONTEND,,,2,5,4000,90,0,0,0,0,0,,,,,OPEN,',
    ...servers.map(([name, status]) => `kube-apiserver,${name},0,0,1,2,,30,0,0,,0,,0,0,0,0,${status},1`),
    `kube-apiserver,BACKEND,0,0,2,5,400,90,0,0,0,0,,0,0,0,0,${backend},3`,
  ].join('\n');
};

const sighting = (ruleId: string, subject: string, openedAt: number, closedAt: number | null): FindingSighting => ({
  id: `${ruleId}/${subject}`,
  ruleId,
  severity: 'warning',
  subject,
  title: ruleId,
  openedAt,
  closedAt,
  causedBy: null,
});

const change = (seenAt: number, holderIdentity: string | null, modRevision: number): LeaseChange => ({
  key: 'kube-system/kube-scheduler',
  modRevision,
  holderIdentity,
  renewTime: null,
  acquireTime: null,
  leaseDurationSeconds: 15,
  leaseTransitions: 1,
  seenAt,
});

const empty: LabRecord = { leaseChanges: [], leaseUnread: [], lb: [] };

describe('parseHaproxyStats', () => {
  it('reads the apiserver backend servers, UP 1/2 (still routed to) counted as up, DOWN 1/2 (rising) not', () => {
    const sample = parseHaproxyStats(stats(['cp-1', 'UP 1/2'], ['cp-2', 'DOWN 1/2'], ['cp-3', 'DOWN']), T);
    expect(sample).toEqual({
      at: T,
      up: ['cp-1'],
      servers: ['cp-1 UP 1/2', 'cp-2 DOWN 1/2', 'cp-3 DOWN'],
      refused: false,
    });
  });

  it('says when the answer has no status column rather than reporting no backend up', () => {
    expect(parseHaproxyStats('<html>nope</html>', T).error).toMatch(/no svname/);
  });
});

describe('judgeSighting', () => {
  const released: LabRecord = {
    ...empty,
    leaseChanges: [change(T - 20_000, 'cp-1_a', 10), change(T - 500, null, 11), change(T + 2_000, 'cp-2_b', 12)],
  };

  it.each([
    [
      'etcd held the Lease empty while hawk showed it',
      released,
      T,
      T + 2_500,
      'true',
      new RegExp(
        'no holder from 22:59:59.500 to 23:00:02.000 \\(rev 11\\), 500 ms before hawk.s sighting opened; ' +
          'hawk cleared it 500 ms after etcd had a holder again$',
      ),
    ],
    [
      'hawk showed it within the allowance after etcd had a holder again',
      released,
      T + 4_500,
      T + 5_000,
      'true',
      /rev 11/,
    ],
    ['etcd had a holder throughout', released, T + 6_000, T + 7_000, 'false', /held from .* by cp-2_b \(rev 12/],
    ['no record of the Lease at all', empty, T, T + 1_000, 'false', /no record of kube-system\/kube-scheduler/],
  ] as const)('LeaderElectionNoHolder: %s', (_, record, openedAt, closedAt, verdict, evidence) => {
    const judgement = judgeSighting(
      sighting('LeaderElectionNoHolder', 'kube-system/kube-scheduler', openedAt, closedAt),
      record,
      T + 60_000,
    );
    expect(judgement?.verdict).toBe(verdict);
    expect(judgement?.evidence).toMatch(evidence);
  });

  const lb = (at: number, ...servers: [string, string][]) => parseHaproxyStats(stats(...servers), at);
  const lbRecord: LabRecord = {
    ...empty,
    lb: [
      lb(T - 1_000, ['cp-1', 'UP'], ['cp-2', 'UP'], ['cp-3', 'UP']),
      lb(T, ['cp-1', 'DOWN'], ['cp-2', 'DOWN'], ['cp-3', 'DOWN 1/2']),
      lb(T + 1_000, ['cp-1', 'UP'], ['cp-2', 'DOWN'], ['cp-3', 'DOWN']),
      { at: T + 20_000, up: [], servers: [], refused: true, error: 'ECONNREFUSED' },
      { at: T + 40_000, up: [], servers: [], refused: false, error: 'ETIMEDOUT' },
    ],
  };

  it.each([
    [
      'HAProxy had every backend down',
      T + 2_000,
      T + 3_000,
      'true',
      /no backend UP \(cp-1 DOWN, cp-2 DOWN, cp-3 DOWN 1\/2\) at 1 of 3 reads/,
    ],
    ['HAProxy refused', T + 20_100, T + 21_000, 'true', /refused/],
    ['HAProxy routed to cp-1', T + 3_500, T + 6_000, 'false', /backend UP at each of 1 reads.*cp-1 UP/],
    ['only a failed read of the stats', T + 40_100, T + 41_000, 'false', /no read .* 1 read\(s\) of the stats failed/],
  ] as const)('LoadBalancerUnreachable: %s', (_, openedAt, closedAt, verdict, evidence) => {
    const judgement = judgeSighting(
      sighting('LoadBalancerUnreachable', 'https://10.213.0.10:6443', openedAt, closedAt),
      lbRecord,
      T + 60_000,
    );
    expect(judgement?.verdict).toBe(verdict);
    expect(judgement?.evidence).toMatch(evidence);
  });

  it('leaves rules the record cannot settle to the allow-list', () => {
    expect(judgeSighting(sighting('EtcdNoLeader', 'etcd', T, T + 1), lbRecord, T + 60_000)).toBeNull();
  });
});

describe('nowhereSpans', () => {
  it('groups consecutive reads routing nowhere; a failed read neither opens nor closes a span', () => {
    const read = (at: number, up: string[]) => ({ at, up, servers: up.map((name) => `${name} UP`), refused: false });
    const samples = [
      read(T, ['cp-1']),
      read(T + 250, []),
      { at: T + 500, up: [], servers: [], refused: false, error: 'ETIMEDOUT' },
      read(T + 750, []),
      read(T + 1_000, ['cp-2']),
      { at: T + 1_250, up: [], servers: [], refused: true, error: 'ECONNREFUSED' },
    ];
    expect(nowhereSpans(samples)).toEqual([
      { from: T + 250, to: T + 750, reads: 2, refused: false },
      { from: T + 1_250, to: T + 1_250, reads: 1, refused: true },
    ]);
  });
});
