/** Keyboard shortcuts as a pure interpreter, so the shell only listens and acts. */

export type ShortcutAction = 'overview' | 'previous-cluster' | 'next-cluster' | 'live' | 'help';

export interface KeyState {
  /** A pending first key of a two-key sequence ("g"), with when it was pressed. */
  readonly pending: { readonly key: string; readonly at: number } | null;
}

/** Time allowed between the keys of "g o" (ms). */
const SEQUENCE_MS = 1500;

export const SHORTCUTS: readonly { readonly keys: string; readonly what: string }[] = [
  { keys: 'g o', what: 'overview' },
  { keys: '[  ]', what: 'previous / next cluster' },
  { keys: 'Esc or L', what: 'back to live (leave replay)' },
  { keys: '?', what: 'this help' },
];

export function interpretKey(
  state: KeyState,
  key: string,
  at: number,
): { readonly state: KeyState; readonly action: ShortcutAction | null } {
  const pending = state.pending && at - state.pending.at <= SEQUENCE_MS ? state.pending : null;
  if (pending?.key === 'g' && key === 'o') return { state: { pending: null }, action: 'overview' };
  switch (key) {
    case 'g':
      return { state: { pending: { key, at } }, action: null };
    case '[':
      return { state: { pending: null }, action: 'previous-cluster' };
    case ']':
      return { state: { pending: null }, action: 'next-cluster' };
    case 'Escape':
      return { state: { pending: null }, action: 'live' };
    case 'l':
    case 'L':
      return { state: { pending: null }, action: 'live' };
    case '?':
      return { state: { pending: null }, action: 'help' };
    default:
      return { state: { pending: null }, action: null };
  }
}

/** The cluster `step` away from `current` in the list, wrapping; the first one when on the overview. */
export function neighbourCluster(ids: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index === -1) return step === 1 ? ids[0]! : ids[ids.length - 1]!;
  return ids[(index + step + ids.length) % ids.length]!;
}
