import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClusterState } from './model/cluster';
import { applyPatch, diffStates, sameValue, type KeyedChange } from './patch';
import { aFullHaCluster, simulateHawk } from './testing/index';

/** Judged states of one cluster through a few faults: the pool random states are drawn from. */
function judgedStates(): ClusterState[] {
  const cluster = aFullHaCluster().withNodes(3);
  const hawk = simulateHawk(cluster).advance(3_000);
  const states = [hawk.state, hawk.advance(2_000).state];
  cluster.stopEtcdMember(2);
  states.push(hawk.advance(1_000).state, hawk.advance(5_000).state);
  cluster.stopApiServer(1);
  states.push(hawk.advance(20_000).state);
  return states;
}

const POOL = judgedStates();

/**
 * One keyed array, drawn: entries of any pooled state, some renamed or changed, in any order, a key repeated at times.
 */
function keyedArb<T extends object>(pick: (state: ClusterState) => readonly T[], rename: (entry: T, n: number) => T) {
  const entries = POOL.flatMap(pick);
  if (entries.length === 0) return fc.constant<readonly T[]>([]);
  const entry = fc
    .tuple(fc.constantFrom(...entries), fc.integer({ min: 0, max: 6 }), fc.boolean())
    .map(([base, n, changed]) => {
      const named = n === 0 ? base : rename(base, n);
      return changed ? { ...named, drawnChange: n } : named;
    });
  return fc.array(entry, { maxLength: 12 }).map((list) => list as readonly T[]);
}

const stateArb: fc.Arbitrary<ClusterState> = fc
  .record({
    base: fc.constantFrom(...POOL),
    leases: keyedArb(
      (s) => s.leases,
      (l, n) => ({ ...l, name: `${l.name}-${n}` }),
    ),
    findings: keyedArb(
      (s) => s.findings,
      (f, n) => ({ ...f, id: `${f.id}-${n}` }),
    ),
    nodes: keyedArb(
      (s) => s.nodes,
      (node, n) => ({ ...node, name: `${node.name}-${n}` }),
    ),
    pods: keyedArb(
      (s) => s.pods,
      (pod, n) => ({ ...pod, name: `${pod.name}-${n}` }),
    ),
    failureImpacts: keyedArb(
      (s) => s.failureImpacts,
      (impact, n) => ({ ...impact, name: `${impact.name}-${n}` }),
    ),
    observedAt: fc.integer({ min: 0, max: 1e12 }),
  })
  .map(({ base, ...parts }) => ({ ...base, ...parts }) as ClusterState);

const KEYED = ['leases', 'findings', 'nodes', 'pods', 'failureImpacts'] as const;

/**
 * A state and one evolved from it: keyed entries kept, changed, dropped, added and at times reordered, as hawk sees.
 */
const evolvedPairArb: fc.Arbitrary<[ClusterState, ClusterState]> = fc
  .tuple(stateArb, stateArb, fc.infiniteStream(fc.integer({ min: 0, max: 9 })), fc.boolean())
  .map(([prev, other, dice, shuffle]) => {
    const roll = () => dice.next().value as number;
    const evolve = (entries: readonly object[], extra: readonly object[]) => {
      const kept = entries
        .filter(() => roll() > 1)
        .map((entry) => (roll() > 6 ? { ...entry, renewedAt: roll() } : entry));
      const next = [...kept, ...extra.filter(() => roll() > 6)];
      return shuffle ? next.reverse() : next;
    };
    const parts = Object.fromEntries(KEYED.map((key) => [key, evolve(prev[key], other[key])]));
    return [prev, { ...prev, ...parts, observedAt: other.observedAt } as ClusterState];
  });

// JSON is what crosses the socket and the history: the patch must survive it.
const overTheWire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

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

  it('a renewal carries the renewed lease only, not the others kept beside it', () => {
    const hawk = simulateHawk(aFullHaCluster().withNodes(3)).advance(3_000);
    const tenant = Array.from({ length: 100 }, (_, i) => ({
      ...hawk.state.leases[0]!,
      namespace: 't',
      name: `l-${i}`,
    }));
    const before = { ...hawk.state, leases: [...hawk.state.leases, ...tenant] };
    const renewed = hawk.advance(2_000).state;
    const after = { ...renewed, leases: [...renewed.leases, ...tenant] };
    const patch = diffStates(before, after);
    const leases = patch.leases as KeyedChange<ClusterState['leases'][number]>;
    expect(leases.remove).toEqual([]);
    expect(leases.order).toBeUndefined();
    expect(leases.upsert.length).toBeGreaterThan(0);
    expect(leases.upsert.every((lease) => lease.namespace !== 't')).toBe(true);
    expect(applyPatch(before, overTheWire(patch))).toEqual(after);
  });

  it('removals and a new order are carried by key', () => {
    const { state } = simulateHawk(aFullHaCluster().withNodes(3)).advance(3_000);
    const [a, b, c] = state.pods;
    const before = { ...state, pods: [a!, b!, c!] };
    const after = { ...state, pods: [c!, a!] };
    const patch = diffStates(before, after);
    expect(patch.pods).toEqual({ upsert: [], remove: [b!.name], order: [c!.name, a!.name] });
    expect(applyPatch(before, patch)).toEqual(after);
  });

  it('an array whose keys repeat, or whose every entry changed, goes whole', () => {
    const { state } = simulateHawk(aFullHaCluster().withNodes(3)).advance(3_000);
    const [a, b] = state.nodes;
    const twice = { ...state, nodes: [a!, a!] };
    expect(diffStates(state, twice).nodes).toEqual([a, a]);
    const renamed = { ...state, nodes: [{ ...b!, name: 'x' }] };
    expect(diffStates(state, renamed).nodes).toEqual([{ ...b!, name: 'x' }]);
  });

  it('rows patched whole (history written before keyed changes) still apply', () => {
    const states = judgedStates();
    const [before, after] = [states[1]!, states[2]!];
    const wholeParts = { leases: after.leases, findings: after.findings, observedAt: after.observedAt };
    expect(applyPatch(before, wholeParts)).toEqual({ ...before, ...wholeParts });
  });

  it('diff then apply gives the next state, for random states, across JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(stateArb, stateArb), evolvedPairArb), ([prev, next]) => {
        const patch = overTheWire(diffStates(prev, next));
        const applied = applyPatch(prev, patch);
        // A clock-only change sends nothing: the receiver keeps its observedAt.
        if (Object.keys(patch).length === 0) return sameValue(applied, { ...next, observedAt: prev.observedAt });
        return sameValue(applied, next);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

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
