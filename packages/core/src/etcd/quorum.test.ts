import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config';
import type { EtcdMember } from '../model/etcd';
import { computeQuorum } from './quorum';

const NOW = 1_000_000;
const config = { etcdLeaderEvidenceMs: 5_000 };

const member = (reachable: boolean, isLearner = false): EtcdMember => ({
  id: '1',
  name: 'm',
  peerURLs: [],
  clientURLs: [],
  isLearner,
  reachable,
  status: null,
  error: null,
  checkedAt: null,
});
const members = (up: number, down: number, learners = 0) => [
  ...Array(up).fill(member(true)),
  ...Array(down).fill(member(false)),
  ...Array(learners).fill(member(true, true)),
];

/** cp-i as hawk read it: answering with a status (the leader it names, its term), or not answering at all. */
function cp(
  index: number,
  read: { leader?: number | null; term?: number; at?: number; learner?: boolean } | 'silent',
): EtcdMember {
  const base = {
    id: String(index),
    name: `cp-${index}`,
    peerURLs: [],
    clientURLs: [],
    isLearner: read !== 'silent' && read.learner === true,
  };
  if (read === 'silent')
    return { ...base, reachable: false, status: null, error: 'connect ECONNREFUSED', checkedAt: NOW };
  const status = {
    leaderId: read.leader == null ? '' : String(read.leader),
    raftTerm: String(read.term ?? 7),
    raftIndex: '4242',
    dbSizeBytes: 1,
    dbSizeInUseBytes: 1,
    version: '3.6.8',
    isLearner: base.isLearner,
    errors: read.leader == null ? ['etcdserver: no leader'] : [],
  };
  return { ...base, reachable: true, status, error: null, checkedAt: read.at ?? NOW };
}

describe('computeQuorum: counting answers', () => {
  const counted = (healthy: number) => ({ inRaft: healthy, raftLeader: null });
  it.each([
    [
      '3 healthy',
      members(3, 0),
      {
        voters: 3,
        healthy: 3,
        quorum: 2,
        failuresTolerated: 1,
        hasQuorum: true,
        evenCount: false,
        ...counted(3),
        evidence: '3/3 answering',
      },
    ],
    [
      '2 of 3',
      members(2, 1),
      {
        voters: 3,
        healthy: 2,
        quorum: 2,
        failuresTolerated: 0,
        hasQuorum: true,
        evenCount: false,
        ...counted(2),
        evidence: '2/3 answering',
      },
    ],
    [
      '1 of 3',
      members(1, 2),
      {
        voters: 3,
        healthy: 1,
        quorum: 2,
        failuresTolerated: -1,
        hasQuorum: false,
        evenCount: false,
        ...counted(1),
        evidence: '1/3 answering; no member reports a raft leader',
      },
    ],
    [
      '4 healthy tolerate as 3 do',
      members(4, 0),
      {
        voters: 4,
        healthy: 4,
        quorum: 3,
        failuresTolerated: 1,
        hasQuorum: true,
        evenCount: true,
        ...counted(4),
        evidence: '4/4 answering',
      },
    ],
    [
      '5 healthy',
      members(5, 0),
      {
        voters: 5,
        healthy: 5,
        quorum: 3,
        failuresTolerated: 2,
        hasQuorum: true,
        evenCount: false,
        ...counted(5),
        evidence: '5/5 answering',
      },
    ],
    [
      'learners neither count nor help',
      members(1, 2, 3),
      {
        voters: 3,
        healthy: 1,
        quorum: 2,
        failuresTolerated: -1,
        hasQuorum: false,
        evenCount: false,
        ...counted(1),
        evidence: '1/3 answering; no member reports a raft leader',
      },
    ],
    [
      'one member',
      members(1, 0),
      {
        voters: 1,
        healthy: 1,
        quorum: 1,
        failuresTolerated: 0,
        hasQuorum: true,
        evenCount: false,
        ...counted(1),
        evidence: '1/1 answering',
      },
    ],
    [
      'no members known',
      members(0, 0),
      {
        voters: 0,
        healthy: 0,
        quorum: 1,
        failuresTolerated: -1,
        hasQuorum: false,
        evenCount: false,
        ...counted(0),
        evidence: '0/0 answering; no member reports a raft leader',
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(computeQuorum(input, NOW, config)).toEqual(expected);
  });
});

describe('computeQuorum: as raft counts it', () => {
  it.each<
    [
      string,
      EtcdMember[],
      {
        healthy: number;
        inRaft: number;
        hasQuorum: boolean;
        failuresTolerated: number;
        leader: string | null;
        evidence: string;
      },
    ]
  >([
    [
      // The two others stopped gracefully: their client ports closed, raft still has them while they drain.
      'only the leader answers, and reports itself leader: it had a majority within an election timeout',
      [cp(1, { leader: 1 }), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 2,
        hasQuorum: true,
        failuresTolerated: 0,
        leader: 'cp-1',
        evidence: '1/3 answering; raft still has a leader: cp-1, term 7',
      },
    ],
    [
      'only a follower answers, naming a leader whose client port is closed: that leader is alive in raft',
      [cp(1, 'silent'), cp(2, { leader: 1 }), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 2,
        hasQuorum: true,
        failuresTolerated: 0,
        leader: 'cp-1',
        evidence: '1/3 answering; raft still has a leader: cp-1, term 7 (not answering, named by cp-2)',
      },
    ],
    [
      'the survivor lost its leader (stepped down, or a pre-candidate): quorum lost',
      [cp(1, { leader: null }), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 1,
        hasQuorum: false,
        failuresTolerated: -1,
        leader: null,
        evidence: '1/3 answering; no member reports a raft leader',
      },
    ],
    [
      'nobody answers: nothing says raft has a leader',
      [cp(1, 'silent'), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 0,
        inRaft: 0,
        hasQuorum: false,
        failuresTolerated: -2,
        leader: null,
        evidence: '0/3 answering; no member reports a raft leader',
      },
    ],
    [
      'two answer naming a leader that drains: raft counts all three',
      [cp(1, 'silent'), cp(2, { leader: 1 }), cp(3, { leader: 1 })],
      {
        healthy: 2,
        inRaft: 3,
        hasQuorum: true,
        failuresTolerated: 1,
        leader: 'cp-1',
        evidence: '2/3 answering; raft leader: cp-1, term 7 (not answering, named by cp-2, cp-3)',
      },
    ],
    [
      'a majority answers during an election: quorum held, no leader yet (EtcdNoLeader says so)',
      [cp(1, { leader: null, term: 8 }), cp(2, { leader: null, term: 8 }), cp(3, 'silent')],
      { healthy: 2, inRaft: 2, hasQuorum: true, failuresTolerated: 0, leader: null, evidence: '2/3 answering' },
    ],
    [
      "a lower term's leader is stale: a member answering in a higher term names none",
      [
        cp(1, { leader: 1, term: 7 }),
        cp(2, { leader: null, term: 8 }),
        cp(3, 'silent'),
        cp(4, 'silent'),
        cp(5, 'silent'),
      ],
      {
        healthy: 2,
        inRaft: 2,
        hasQuorum: false,
        failuresTolerated: -1,
        leader: null,
        evidence: '2/5 answering; no member reports a raft leader',
      },
    ],
    [
      'of five, one follower names a silent leader: a leader keeps its claim only with a majority (CheckQuorum)',
      [cp(1, 'silent'), cp(2, { leader: 1 }), cp(3, 'silent'), cp(4, 'silent'), cp(5, 'silent')],
      {
        healthy: 1,
        inRaft: 3,
        hasQuorum: true,
        failuresTolerated: 0,
        leader: 'cp-1',
        evidence: '1/5 answering; raft still has a leader: cp-1, term 7 (not answering, named by cp-2)',
      },
    ],
    [
      'a leader claim read longer ago than etcdLeaderEvidenceMs proves nothing about now',
      [cp(1, { leader: 1, at: NOW - 5_001 }), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 1,
        hasQuorum: false,
        failuresTolerated: -1,
        leader: null,
        evidence: '1/3 answering; no member reports a raft leader',
      },
    ],
    [
      'a claim read exactly etcdLeaderEvidenceMs ago still counts',
      [cp(1, { leader: 1, at: NOW - 5_000 }), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 2,
        hasQuorum: true,
        failuresTolerated: 0,
        leader: 'cp-1',
        evidence: '1/3 answering; raft still has a leader: cp-1, term 7',
      },
    ],
    [
      "a learner's report does not count: learners neither vote nor vouch",
      [cp(1, 'silent'), cp(2, 'silent'), cp(3, 'silent'), cp(4, { leader: 1, learner: true })],
      {
        healthy: 0,
        inRaft: 0,
        hasQuorum: false,
        failuresTolerated: -2,
        leader: null,
        evidence: '0/3 answering; no member reports a raft leader',
      },
    ],
    [
      'etcd says no leader as 0',
      [cp(1, { leader: 0 }), cp(2, 'silent'), cp(3, 'silent')],
      {
        healthy: 1,
        inRaft: 1,
        hasQuorum: false,
        failuresTolerated: -1,
        leader: null,
        evidence: '1/3 answering; no member reports a raft leader',
      },
    ],
  ])('%s', (_name, input, expected) => {
    const quorum = computeQuorum(input, NOW, config);
    const { healthy, inRaft, hasQuorum, failuresTolerated, evidence } = quorum;
    expect({
      healthy,
      inRaft,
      hasQuorum,
      failuresTolerated,
      leader: quorum.raftLeader?.name ?? null,
      evidence,
    }).toEqual(expected);
  });

  it('says who reported the leader and whether it answered itself', () => {
    const quorum = computeQuorum(
      [cp(1, 'silent'), cp(2, { leader: 1, term: 9 }), cp(3, { leader: 1, term: 9 })],
      NOW,
      DEFAULT_CONFIG,
    );
    expect(quorum.raftLeader).toEqual({
      id: '1',
      name: 'cp-1',
      raftTerm: '9',
      answering: false,
      reportedBy: ['cp-2', 'cp-3'],
    });
  });

  it('a leader id missing from the membership is still evidence, named by its id', () => {
    const quorum = computeQuorum([cp(1, { leader: 77 }), cp(2, 'silent'), cp(3, 'silent')], NOW, config);
    expect(quorum).toMatchObject({
      hasQuorum: true,
      inRaft: 2,
      evidence: '1/3 answering; raft still has a leader: 77, term 7 (not answering, named by cp-1)',
    });
  });
});
