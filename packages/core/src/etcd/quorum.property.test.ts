import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EtcdMember } from '../model/etcd';
import { computeQuorum } from './quorum';

const memberArb = fc
  .record({ reachable: fc.boolean(), isLearner: fc.boolean() })
  .map(({ reachable, isLearner }): EtcdMember => ({ id: '1', name: 'm', peerURLs: [], clientURLs: [], isLearner, reachable, status: null, error: null, checkedAt: null }));

describe('quorum math (properties)', () => {
  it('tolerated = healthy − quorum, quorum is a strict majority, hasQuorum iff tolerated ≥ 0', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 9 }), (members) => {
        const q = computeQuorum(members);
        expect(q.failuresTolerated).toBe(q.healthy - q.quorum);
        expect(q.quorum).toBeGreaterThan(q.voters / 2);
        expect(q.quorum - 1).toBeLessThanOrEqual(q.voters / 2);
        if (q.voters > 0) expect(q.hasQuorum).toBe(q.failuresTolerated >= 0);
        expect(q.evenCount).toBe(q.voters > 0 && q.voters % 2 === 0);
      }),
    );
  });

  it('learners never count: adding or removing them changes nothing', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 9 }), fc.array(memberArb, { maxLength: 4 }), (members, extra) => {
        const learners = extra.map((m) => ({ ...m, isLearner: true }));
        expect(computeQuorum([...members, ...learners])).toEqual(computeQuorum(members));
      }),
    );
  });

  it('an even count tolerates no more failures than one member fewer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), (k) => {
        const all = (n: number) =>
          Array.from({ length: n }, (): EtcdMember => ({ id: '1', name: 'm', peerURLs: [], clientURLs: [], isLearner: false, reachable: true, status: null, error: null, checkedAt: null }));
        expect(computeQuorum(all(2 * k)).failuresTolerated).toBe(computeQuorum(all(2 * k - 1)).failuresTolerated);
      }),
    );
  });
});
