import type { ClusterState } from './model/cluster';

/**
 * diffStates names the top-level parts of `next` that differ from `prev`, each to be replaced whole.
 * A change of `observedAt` alone is no change: the result is then empty and the server may send
 * nothing (every evaluation moves the clock; sending that alone would be a patch per tick per
 * cluster for no news). When anything else changed, `observedAt` rides along so "data as of" stays right.
 */
export function diffStates(prev: ClusterState, next: ClusterState): Partial<ClusterState> {
  const changed = (Object.keys(next) as (keyof ClusterState)[]).filter(
    (key) => key !== 'observedAt' && !sameValue(prev[key], next[key]),
  );
  if (changed.length === 0) return {};
  return Object.fromEntries(
    [...changed, 'observedAt'].map((key) => [key, next[key as keyof ClusterState]]),
  ) as Partial<ClusterState>;
}

/** applyPatch replaces the named parts whole; the inverse of diffStates. */
export function applyPatch(state: ClusterState, patch: Partial<ClusterState>): ClusterState {
  return { ...state, ...patch };
}

/** sameValue: structural equality of plain JSON-like data. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
