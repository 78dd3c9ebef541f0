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

export function useFrozenAt(): number | null {
  return useContext(FrozenAtContext);
}
