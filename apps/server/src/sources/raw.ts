/** Small readers for raw API objects, which may be malformed in any field: every reader tolerates anything. */
export type Raw = Record<string, unknown>;

export function isRaw(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function field(object: unknown, ...path: string[]): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (!isRaw(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function labels(object: unknown): Record<string, string> {
  const raw = field(object, 'metadata', 'labels');
  if (!isRaw(raw)) return {};
  return Object.fromEntries(
    Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** A mapper's verdict on one object: its key and observation, or why it was skipped. */
export type Mapped<T> = { readonly key: string; readonly value: T } | { readonly error: string };

export function nameOf(object: unknown): string | null {
  return text(field(object, 'metadata', 'name'));
}

/** Longest string hawk keeps from a cluster object (holderIdentity and the like): a field is not a payload. */
export const MAX_FIELD_LENGTH = 256;

/** `value` cut to MAX_FIELD_LENGTH, marked as cut so nobody reads the stub as the whole value. */
export function bounded(value: string | null): string | null {
  if (value === null || value.length <= MAX_FIELD_LENGTH) return value;
  return `${value.slice(0, MAX_FIELD_LENGTH - 1)}…`;
}
