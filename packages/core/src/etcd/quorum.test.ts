import { describe, expect, it } from 'vitest';
import type { EtcdMember } from '../model/etcd';
import { computeQuorum } from './quorum';

const member = (reachable: boolean, isLearner = false): EtcdMember => ({ id: '1', name: 'm', peerURLs: [], clientURLs: [], isLearner, reachable, status: null, error: null, checkedAt: null });
const members = (up: number, down: number, learners = 0) => [...Array(up).fill(member(true)), ...Array(down).fill(member(false)), ...Array(learners).fill(member(true, true))];

describe('computeQuorum', () => {
  it.each([
    ['3 healthy', members(3, 0), { voters: 3, healthy: 3, quorum: 2, failuresTolerated: 1, hasQuorum: true, evenCount: false }],
    ['2 of 3', members(2, 1), { voters: 3, healthy: 2, quorum: 2, failuresTolerated: 0, hasQuorum: true, evenCount: false }],
    ['1 of 3', members(1, 2), { voters: 3, healthy: 1, quorum: 2, failuresTolerated: -1, hasQuorum: false, evenCount: false }],
    ['4 healthy tolerate as 3 do', members(4, 0), { voters: 4, healthy: 4, quorum: 3, failuresTolerated: 1, hasQuorum: true, evenCount: true }],
    ['5 healthy', members(5, 0), { voters: 5, healthy: 5, quorum: 3, failuresTolerated: 2, hasQuorum: true, evenCount: false }],
    ['learners neither count nor help', members(1, 2, 3), { voters: 3, healthy: 1, quorum: 2, failuresTolerated: -1, hasQuorum: false, evenCount: false }],
    ['one member', members(1, 0), { voters: 1, healthy: 1, quorum: 1, failuresTolerated: 0, hasQuorum: true, evenCount: false }],
    ['no members known', members(0, 0), { voters: 0, healthy: 0, quorum: 1, failuresTolerated: -1, hasQuorum: false, evenCount: false }],
  ])('%s', (_name, input, expected) => {
    expect(computeQuorum(input)).toEqual(expected);
  });
});
