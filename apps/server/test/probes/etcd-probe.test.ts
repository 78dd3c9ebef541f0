import { describe, expect, it } from 'vitest';
import type { EtcdTransport } from '../../src/clusters/etcd-transport';
import { SERVER_DEFAULTS } from '../../src/defaults';
import { askEndpoint } from '../../src/probes/etcd-probe';
import { foldEtcdRound, emptyEtcdView } from '../../src/hub/etcd-fold';

const ENDPOINT = 'https://10.0.0.11:2379';
const STATUS = {
  header: { member_id: '11', raft_term: '7' },
  leader: '0',
  raftTerm: '7',
  raftIndex: '42',
  dbSize: '1024',
  version: '3.6.8',
  errors: ['etcdserver: no leader'],
};
const MEMBERS = { members: [{ ID: '11', name: 'cp-1', peerURLs: ['https://10.0.0.11:2380'], clientURLs: [ENDPOINT] }] };
const NOSPACE = { alarms: [{ memberID: '11', alarm: 'NOSPACE' }] };

/**
 * A member as etcd serves it: status and member list from its own state at once, the alarm read through raft, which
 * takes `alarmMs` (null: no leader, it waits until the caller's timeout or abort).
 */
function member(alarmMs: number | null) {
  const aborted: string[] = [];
  const transport: EtcdTransport = {
    endpoints: [ENDPOINT],
    post: (_endpoint, path, _body, timeoutMs, signal) =>
      new Promise((resolve, reject) => {
        if (path === '/v3/maintenance/status') return resolve({ status: 200, text: JSON.stringify(STATUS) });
        if (path === '/v3/cluster/member/list') return resolve({ status: 200, text: JSON.stringify(MEMBERS) });
        const settle = (how: () => void) => {
          clearTimeout(answer);
          clearTimeout(timeout);
          signal?.removeEventListener('abort', onAbort);
          how();
        };
        const onAbort = () => settle(() => (aborted.push(path), reject(new Error('aborted'))));
        const answer =
          alarmMs === null
            ? undefined
            : setTimeout(() => settle(() => resolve({ status: 200, text: JSON.stringify(NOSPACE) })), alarmMs);
        const timeout = setTimeout(
          () => settle(() => reject(new Error(`no answer within ${timeoutMs} ms`))),
          timeoutMs,
        );
        signal?.addEventListener('abort', onAbort);
      }),
    get: () => Promise.reject(new Error('no /metrics in this fake')),
    servingCertificate: async () => null,
    close: async () => undefined,
  };
  return { transport, aborted };
}

describe('askEndpoint', () => {
  it('a status saying "no leader" is not held back by an alarm read that waits on raft', async () => {
    const { transport, aborted } = member(null);
    const started = Date.now();
    const answer = await askEndpoint(transport, ENDPOINT, 1_500);
    const took = Date.now() - started;
    expect(answer).toMatchObject({
      memberId: '11',
      error: null,
      alarms: null,
      status: { leaderId: '', raftTerm: '7', errors: ['etcdserver: no leader'] },
    });
    expect(took).toBeGreaterThanOrEqual(SERVER_DEFAULTS.etcdAlarmGraceMs - 5);
    expect(took).toBeLessThan(SERVER_DEFAULTS.etcdAlarmGraceMs + 200);
    // Given up rather than left hanging on a connection until its timeout.
    expect(aborted).toEqual(['/v3/maintenance/alarm']);
  });

  it('an alarm read that commits in time is part of the answer', async () => {
    const { transport, aborted } = member(5);
    const answer = await askEndpoint(transport, ENDPOINT, 1_500);
    expect(answer.alarms).toEqual([{ memberId: '11', alarm: 'NOSPACE' }]);
    expect(aborted).toEqual([]);
  });
});

describe('foldEtcdRound', () => {
  it('keeps the alarms last read when no member could read them', async () => {
    const first = foldEtcdRound(
      emptyEtcdView(true, null),
      [await askEndpoint(member(5).transport, ENDPOINT, 1_500)],
      1_000,
      50,
    );
    expect(first.view.alarms).toEqual([{ memberId: '11', alarm: 'NOSPACE' }]);
    const next = foldEtcdRound(first.view, [await askEndpoint(member(null).transport, ENDPOINT, 1_500)], 2_000, 50);
    expect(next.view.alarms).toEqual([{ memberId: '11', alarm: 'NOSPACE' }]);
    expect(next.view.members[0]?.status?.leaderId).toBe('');
  });
});
