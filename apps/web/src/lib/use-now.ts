'use client';

import { useSyncExternalStore } from 'react';

/**
 * One shared once-a-second tick for every clock, "ago" and freshness label on the page: one
 * interval however many labels, started by the first subscriber and cleared with the last, so a
 * wall display left for days holds no stray timers.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Every new clock starts from the time it mounts, not the last tick (up to a second old, or older when the tick
  // was kept running by others across a change of clock): React re-renders it when this differs from its first read.
  now = Date.now();
  if (timer === undefined) {
    timer = setInterval(() => {
      now = Date.now();
      for (const notify of listeners) notify();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The browser's clock, refreshed every second; 0 during server rendering. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => 0,
  );
}
