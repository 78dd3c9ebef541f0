'use client';

import { createContext, useContext } from 'react';
import { useNow } from '../lib/use-now';

/** The moment the view shows: null while live; the replayed instant in the past. */
export const FrozenAtContext = createContext<number | null>(null);

/** "Now" for the view: the ticking clock when live, the replayed instant when looking at the past. */
export function useViewNow(): number {
  const now = useNow();
  const frozenAt = useContext(FrozenAtContext);
  return frozenAt ?? now;
}

/**
 * When the data stopped being live (disconnected), null while live. Countdown rings stop there: a
 * ring draining on stale data would announce a leader loss nobody observed.
 */
export const StillAtContext = createContext<number | null>(null);

/** The instant countdowns are drawn at when they must not move: the replayed moment, or when the data stopped. */
export function useCountdownStop(): number | null {
  const frozenAt = useContext(FrozenAtContext);
  const stillAt = useContext(StillAtContext);
  return frozenAt ?? stillAt;
}
