import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EtcdMember } from '../model/etcd';
import { computeQuorum } from './quorum';

const NOW = 1_000_000;
const config = { etcdLeaderEvidenceMs: 5_000 };

/**
 * Members with ids 1…9; a reachable one reports a status naming some leader (or none) in some term, read some
 * time ago.
 */
const memberArb = fc
  .record({
    id: fc.integer({ min: 1, max: 9 }),
    reachable: fc.boolean(),
    isLearner: fc.boolean(),
    leader: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
    term: fc.integer({ min: 1, max: 3 }),
    ageMs: fc.integer({ min: 0, max: 8_000 }),
  })
  .map(({ id, reachable, isLearner, leader, term, ageMs }): EtcdMember => ({
    id: String(id),
    name: `cp-${id}`,
    peerURLs: [],
    clientURLs: [],
    isLearner,
    reachable,
    status: reachable
      ? {
          leaderId: leader === null ? '' : String(leader),
          raftTerm: String(term),
          raftIndex: '1',
          dbSizeBytes: 0,
          dbSizeInUseBytes: 0,
          version: '3.6.8',
          isLearner,
          errors: [],
        }
      : null,
    error: null,
    checkedAt: NOW - ageMs,
  }));

const silent = (member: EtcdMember): EtcdMember => ({ ...member, reachable: false, status: null });

describe('quorum math (properties)', () => {
  it('tolerated = inRaft − quorum, quorum is a strict majority, hasQuorum iff tolerated ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 9 }), (members) => {
        const q = computeQuorum(members, NOW, config);
        expect(q.failuresTolerated).toBe(q.inRaft - q.quorum);
        expect(q.quorum).toBeGreaterThan(q.voters / 2);
        expect(q.quorum - 1).toBeLessThanOrEqual(q.voters / 2);
        if (q.voters > 0) expect(q.hasQuorum).toBe(q.failuresTolerated >= 0);
        expect(q.evenCount).toBe(q.voters > 0 && q.voters % 2 === 0);
      }),
    );
  });

  it('healthy is what answered; raft counts at least those, and more only on a leader reported', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 9 }), (members) => {
        const q = computeQuorum(members, NOW, config);
        expect(q.healthy).toBe(members.filter((m) => !m.isLearner && m.reachable).length);
        expect(q.inRaft).toBeGreaterThanOrEqual(q.healthy);
        expect(q.inRaft).toBeLessThanOrEqual(Math.max(q.voters, q.healthy));
        if (q.raftLeader === null) expect(q.inRaft).toBe(q.healthy);
        // A majority answering keeps quorum, leader or not (an election in progress is EtcdNoLeader's).
        if (q.voters > 0 && q.healthy >= q.quorum) expect(q.hasQuorum).toBe(true);
      }),
    );
  });

  it('without a leader reported, quorum is the count of answers alone', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 9 }), (members) => {
        const blind = members.map((m) => (m.status ? { ...m, status: { ...m.status, leaderId: '' } } : m));
        const q = computeQuorum(blind, NOW, config);
        expect(q.raftLeader).toBeNull();
        expect(q.hasQuorum).toBe(q.voters > 0 && q.healthy >= q.quorum);
      }),
    );
  });

  it('reads older than etcdLeaderEvidenceMs prove nothing: judged as if no leader were named', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 9 }), (members) => {
        const old = members.map((m) => ({ ...m, checkedAt: NOW - config.etcdLeaderEvidenceMs - 1 }));
        const q = computeQuorum(old, NOW, config);
        expect(q.raftLeader).toBeNull();
        expect(q.inRaft).toBe(q.healthy);
      }),
    );
  });

  it('a member falling silent never raises what raft is judged to count', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 9 }), fc.nat(), (members, pick) => {
        const index = pick % members.length;
        const before = computeQuorum(members, NOW, config);
        const after = computeQuorum(
          members.map((m, i) => (i === index ? silent(m) : m)),
          NOW,
          config,
        );
        // Unless it was the one in a higher term naming no leader, which hid an older claim.
        const hidOlderClaim = before.raftLeader === null && after.raftLeader !== null;
        if (!hidOlderClaim) expect(after.inRaft).toBeLessThanOrEqual(before.inRaft);
      }),
    );
  });

  it('learners never count: adding or removing them changes nothing', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 9 }), fc.array(memberArb, { maxLength: 4 }), (members, extra) => {
        const learners = extra.map((m) => ({ ...m, isLearner: true }));
        expect(computeQuorum([...members, ...learners], NOW, config)).toEqual(computeQuorum(members, NOW, config));
      }),
    );
  });

  it('an even count tolerates no more failures than one member fewer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), (k) => {
        const all = (n: number) =>
          Array.from({ length: n }, (_, i): EtcdMember => ({
            id: String(i + 1),
            name: 'm',
            peerURLs: [],
            clientURLs: [],
            isLearner: false,
            reachable: true,
            status: null,
            error: null,
            checkedAt: null,
          }));
        expect(computeQuorum(all(2 * k), NOW, config).failuresTolerated).toBe(
          computeQuorum(all(2 * k - 1), NOW, config).failuresTolerated,
        );
      }),
    );
  });
});
