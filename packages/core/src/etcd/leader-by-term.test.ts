import { describe, expect, it } from 'vitest';
import type { EtcdMember } from '../model/etcd';
import { etcdLeaderByTerm } from './leader-by-term';

const member = (id: string, leaderId: string | null, raftTerm: string, reachable = true): EtcdMember => ({
  id,
  name: id,
  peerURLs: [],
  clientURLs: [],
  isLearner: false,
  reachable,
  status: leaderId === null ? null : ({ leaderId, raftTerm } as EtcdMember['status']),
  error: null,
  checkedAt: 0,
});

describe('etcdLeaderByTerm', () => {
  it.each([
    ['all agree', [member('a', 'a', '5'), member('b', 'a', '5')], { leaderId: 'a', raftTerm: '5' }],
    [
      'a partitioned old leader in a lower term loses',
      [member('a', 'a', '5'), member('b', 'b', '7'), member('c', 'b', '7')],
      { leaderId: 'b', raftTerm: '7' },
    ],
    [
      'terms compare as numbers, beyond 2^53',
      [member('a', 'a', '9007199254740993'), member('b', 'b', '9007199254740992')],
      { leaderId: 'a', raftTerm: '9007199254740993' },
    ],
    [
      'an unreadable term counts as 0',
      [member('a', 'a', 'x'), member('b', 'b', '1')],
      { leaderId: 'b', raftTerm: '1' },
    ],
    [
      'unreachable members do not vote',
      [member('a', 'a', '9', false), member('b', 'b', '3')],
      { leaderId: 'b', raftTerm: '3' },
    ],
    ['nobody names a leader', [member('a', null, '1'), member('b', '', '1')], null],
  ])('%s', (_, members, leader) => expect(etcdLeaderByTerm(members)).toEqual(leader));
});
