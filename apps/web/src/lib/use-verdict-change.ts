'use client';

import type { Verdict } from '@hawk/core';
import { useEffect, useRef, useState } from 'react';

/** How long a changed verdict stays marked on the wall (ms): long enough for someone to look up. */
export const VERDICT_CHANGE_MARK_MS = 60_000;

export interface VerdictChange {
  readonly from: Verdict;
  readonly at: number;
}

/**
 * nextVerdictChange: the change to mark after seeing `verdict` at `now`, given the last verdict seen
 * and the mark in force. The first verdict seen is no change (a page load is not an event).
 */
export function nextVerdictChange(previous: Verdict | null, verdict: Verdict, current: VerdictChange | null, now: number): VerdictChange | null {
  if (previous !== null && previous !== verdict) return { from: previous, at: now };
  if (current && now - current.at >= VERDICT_CHANGE_MARK_MS) return null;
  return current;
}

/** The verdict change to mark on screen, cleared VERDICT_CHANGE_MARK_MS after it happened. */
export function useVerdictChange(verdict: Verdict): VerdictChange | null {
  const previous = useRef<Verdict | null>(null);
  const [change, setChange] = useState<VerdictChange | null>(null);
  useEffect(() => {
    const seen = previous.current;
    previous.current = verdict;
    if (seen !== null && seen !== verdict) setChange({ from: seen, at: Date.now() });
  }, [verdict]);
  useEffect(() => {
    if (!change) return;
    const timer = setTimeout(() => setChange((current) => nextVerdictChange(null, verdict, current, Date.now())), VERDICT_CHANGE_MARK_MS);
    return () => clearTimeout(timer);
  }, [change, verdict]);
  return change;
}
