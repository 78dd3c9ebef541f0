/** The timeline's range: fixed by `?from&to`, else the last `spanMs` up to now. */
export interface TimelineRange {
  readonly from: number;
  readonly to: number;
  /** Whether the range came from the URL rather than following now. */
  readonly fixed: boolean;
  /**
   * The range history is fetched for: a following range is widened to whole steps, so it refetches once a step, not
   * every second.
   */
  readonly historyFrom: number;
  readonly historyTo: number;
}

/** How far a following range moves before its history is fetched again (ms). */
export const HISTORY_STEP_MS = 60_000;

export function timelineRange(
  fixedFrom: number | null,
  fixedTo: number | null,
  spanMs: number,
  now: number,
): TimelineRange {
  if (fixedFrom !== null && fixedTo !== null && fixedFrom < fixedTo)
    return { from: fixedFrom, to: fixedTo, fixed: true, historyFrom: fixedFrom, historyTo: fixedTo };
  const from = now - spanMs;
  return {
    from,
    to: now,
    fixed: false,
    historyFrom: Math.floor(from / HISTORY_STEP_MS) * HISTORY_STEP_MS,
    historyTo: Math.ceil((now + 1) / HISTORY_STEP_MS) * HISTORY_STEP_MS,
  };
}
