import type { ClusterState } from './model/cluster';

/**
 * The arrays of ClusterState whose entries carry a stable key. A change to one of them is sent as the entries that
 * changed and the keys that went, not the whole array: a lease renewal then moves one lease, however many are kept.
 */
const KEYED_PARTS = {
  leases: (lease: ClusterState['leases'][number]) => `${lease.namespace}/${lease.name}`,
  findings: (finding: ClusterState['findings'][number]) => finding.id,
  nodes: (node: ClusterState['nodes'][number]) => node.name,
  pods: (pod: ClusterState['pods'][number]) => pod.name,
  failureImpacts: (impact: ClusterState['failureImpacts'][number]) => `${impact.kind}:${impact.name}`,
} as const;

type KeyedPart = keyof typeof KEYED_PARTS;

/**
 * What changed in a keyed array: entries added or changed (whole), keys removed, and the new order of keys only when
 * applying would not give it (kept entries stay in place, new ones are appended in their order).
 */
export interface KeyedChange<T> {
  readonly upsert: readonly T[];
  readonly remove: readonly string[];
  readonly order?: readonly string[];
}

/**
 * The parts of a state that changed: each part whole, or for a keyed array (KEYED_PARTS) a KeyedChange. Rows of
 * history written before keyed changes hold arrays whole, which applyPatch still applies.
 */
export type StatePatch = {
  readonly [K in keyof ClusterState]?: K extends KeyedPart
    ? ClusterState[K] | KeyedChange<ClusterState[K][number]>
    : ClusterState[K];
};

const isKeyedPart = (key: string): key is KeyedPart => Object.hasOwn(KEYED_PARTS, key);

/** Keys of `entries`, or null when two share one (the array is then sent whole: a keyed change would lose one). */
function keysOf<T>(entries: readonly T[], keyOf: (entry: T) => string): string[] | null {
  const keys = entries.map(keyOf);
  return new Set(keys).size === keys.length ? keys : null;
}

/** The keyed change from `prev` to `next`, or `next` whole when keys repeat or every entry changed. */
function diffKeyed<T>(
  prev: readonly T[],
  next: readonly T[],
  keyOf: (entry: T) => string,
): readonly T[] | KeyedChange<T> {
  const prevKeys = keysOf(prev, keyOf);
  const nextKeys = keysOf(next, keyOf);
  if (!prevKeys || !nextKeys) return next;
  const before = new Map(prev.map((entry, i) => [prevKeys[i]!, entry]));
  const upsert = next.filter((entry, i) => !sameValue(before.get(nextKeys[i]!), entry));
  if (upsert.length === next.length) return next;
  const kept = new Set(nextKeys);
  const remove = prevKeys.filter((key) => !kept.has(key));
  const change: KeyedChange<T> = { upsert, remove };
  return sameOrder(arrangedKeys(prevKeys, change, keyOf), nextKeys) ? change : { ...change, order: nextKeys };
}

/** The order applyPatch gives without `order`: kept keys where they were, new ones appended as upsert lists them. */
function arrangedKeys<T>(prevKeys: readonly string[], change: KeyedChange<T>, keyOf: (entry: T) => string): string[] {
  const removed = new Set(change.remove);
  const kept = prevKeys.filter((key) => !removed.has(key));
  const present = new Set(kept);
  return [...kept, ...change.upsert.map(keyOf).filter((key) => !present.has(key))];
}

const sameOrder = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((k, i) => k === b[i]);

function applyKeyed<T>(prev: readonly T[], change: KeyedChange<T>, keyOf: (entry: T) => string): T[] {
  const byKey = new Map(prev.map((entry) => [keyOf(entry), entry]));
  for (const entry of change.upsert) byKey.set(keyOf(entry), entry);
  const order = change.order ?? arrangedKeys(prev.map(keyOf), change, keyOf);
  return order.map((key) => byKey.get(key)!);
}

/**
 * diffStates names the top-level parts of `next` that differ from `prev`: each whole, except keyed arrays, which
 * carry only their changed entries and removed keys. A change of `observedAt` alone is no change: the result is then
 * empty and the server may send nothing (every evaluation moves the clock; sending that alone would be a patch per
 * tick per cluster for no news). When anything else changed, `observedAt` rides along so "data as of" stays right.
 */
export function diffStates(prev: ClusterState, next: ClusterState): StatePatch {
  const changed = (Object.keys(next) as (keyof ClusterState)[]).filter(
    (key) => key !== 'observedAt' && !sameValue(prev[key], next[key]),
  );
  if (changed.length === 0) return {};
  const part = (key: keyof ClusterState): unknown => {
    const before = prev[key];
    if (!isKeyedPart(key) || !Array.isArray(before)) return next[key];
    return diffKeyed(before, next[key], KEYED_PARTS[key] as (entry: unknown) => string);
  };
  return Object.fromEntries([...changed, 'observedAt' as const].map((key) => [key, part(key)])) as StatePatch;
}

/** applyPatch replaces each named part, or for a keyed change updates its entries; the inverse of diffStates. */
export function applyPatch(state: ClusterState, patch: StatePatch): ClusterState {
  const parts = Object.entries(patch).map(([key, value]) => {
    const before = (state as unknown as Record<string, unknown>)[key];
    if (!isKeyedPart(key) || Array.isArray(value) || !Array.isArray(before)) return [key, value];
    return [key, applyKeyed(before, value as KeyedChange<unknown>, KEYED_PARTS[key] as (entry: unknown) => string)];
  });
  return { ...state, ...Object.fromEntries(parts) } as ClusterState;
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
