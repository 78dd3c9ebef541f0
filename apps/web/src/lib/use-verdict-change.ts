'use client';

import type { Verdict } from '@hawk/core';
import { useEffect, useRef, useState } from 'react';

/** How long a changed verdict stays marked on the wall (ms): long enough for someone to look up. */
export const VERDICT_CHANGE_MARK_MS = 60_000;
/**
 * A verdict must have held this long (ms) for a change away from it to be marked: while hawk's
 * sources sync after a start, verdicts pass through short-lived steps that are not events.
 */
export const VERDICT_SETTLE_MS = 10_000;

export interface VerdictChange {
  readonly from: Verdict;
  readonly at: number;
}

/** The last verdict seen and since when (epoch ms). */
export interface SeenVerdict {
  readonly verdict: Verdict;
  readonly since: number;
}

/**
 * nextVerdictChange: the change to mark after seeing `verdict` at `now`. The first verdict seen is
 * no change (a page load is not an event); a change away from a verdict that held less than
 * VERDICT_SETTLE_MS keeps the mark in force, or clears it when the verdict is back where it was.
 */
export function nextVerdictChange(
  previous: SeenVerdict | null,
  verdict: Verdict,
  current: VerdictChange | null,
  now: number,
): VerdictChange | null {
  if (current && now - current.at >= VERDICT_CHANGE_MARK_MS) current = null;
  if (previous === null || previous.verdict === verdict) return current;
  if (now - previous.since >= VERDICT_SETTLE_MS) return { from: previous.verdict, at: now };
  return current?.from === verdict ? null : current;
}

/** The verdict change to mark on screen, cleared VERDICT_CHANGE_MARK_MS after it happened. */
export function useVerdictChange(verdict: Verdict): VerdictChange | null {
  const seen = useRef<SeenVerdict | null>(null);
  const [change, setChange] = useState<VerdictChange | null>(null);
  useEffect(() => {
    const now = Date.now();
    const previous = seen.current;
    if (previous?.verdict !== verdict) seen.current = { verdict, since: now };
    setChange((current) => nextVerdictChange(previous, verdict, current, now));
  }, [verdict]);
  useEffect(() => {
    if (!change) return;
    const timer = setTimeout(
      () => setChange((current) => nextVerdictChange(null, verdict, current, Date.now())),
      VERDICT_CHANGE_MARK_MS,
    );
    return () => clearTimeout(timer);
  }, [change, verdict]);
  return change;
}
