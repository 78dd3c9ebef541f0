'use client';

import { useSyncExternalStore } from 'react';

const never = () => () => {};

/**
 * false on the server and while hydrating, true from the render after: what only the browser knows (its clock,
 * its time zone) waits for it, so the server's HTML and the first client render agree (React error #418 otherwise).
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
