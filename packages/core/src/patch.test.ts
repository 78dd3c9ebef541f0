import { describe, expect, it } from 'vitest';
import { applyPatch, diffStates, sameValue } from './patch';
import { aFullHaCluster, simulateHawk } from './testing/index';

describe('diffStates / applyPatch', () => {
  it('a clock-only change is no patch', () => {
    const cluster = aFullHaCluster();
    const hawk = simulateHawk(cluster).evaluate();
    const before = hawk.state;
    // Sources report again at the same time: only observedAt would move.
    const after = { ...before, observedAt: before.observedAt + 1000 };
    expect(diffStates(before, after)).toEqual({});
  });

  it('names the changed parts, with observedAt riding along, and applying it gives the new state', () => {
    const cluster = aFullHaCluster();
    const hawk = simulateHawk(cluster).advance(3_000);
    const before = hawk.state;
    cluster.stopEtcdMember(2);
    hawk.advance(1_000);
    const patch = diffStates(before, hawk.state);
    expect(Object.keys(patch).sort()).toEqual([
      'apiServers',
      'etcd',
      'findings',
      'leases',
      'observedAt',
      'sources',
      'verdict',
    ]);
    expect(applyPatch(before, patch)).toEqual(hawk.state);
  });

  it.each([
    [1, 1, true],
    [{ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [[1], { 0: 1 }, false],
    [{ a: 1 }, { a: 2 }, false],
    [null, {}, false],
    [[1, 2], [1], false],
  ])('sameValue(%j, %j) is %s', (a, b, expected) => {
    expect(sameValue(a, b)).toBe(expected);
  });
});
