/**
 * The "not renewing" judgement hawk had before it learned any elector's timing (up to commit bea9ef2), kept here as
 * the alternative the electors bench measures against: client-go's 2 s retry period assumed until 3 intervals were
 * learned (median of the last 8, counted from the first sight too, forgotten at every handover), 1 s slack, and the
 * judgement made only on the server's 1 s tick.
 */
import { median } from '@hawk/core';

/** One renewal as hawk observed it: its own stamp, and the holder. */
export interface ObservedRenewal {
  readonly observedAt: number;
  readonly holder: string | null;
}

const ASSUMED_CADENCE_MS = 2000;
const SLACK_MS = 1000;
const MIN_SAMPLES = 3;
const SAMPLES = 8;
const TICK_MS = 1000;

/**
 * Replays the old judgement over `renewals` on a tick from `startedAt` to `until`: when each overdue episode opened.
 */
export function previousJudgement(
  renewals: readonly ObservedRenewal[],
  startedAt: number,
  until: number,
): { overdueEpisodes: number[] } {
  const overdueEpisodes: number[] = [];
  let next = 0;
  let last: ObservedRenewal | null = null;
  let intervals: number[] = [];
  let overdue = false;
  for (let tick = startedAt; tick <= until; tick += TICK_MS) {
    while (next < renewals.length && renewals[next]!.observedAt <= tick) {
      const renewal = renewals[next++]!;
      if (last && last.holder === renewal.holder)
        intervals = [...intervals, renewal.observedAt - last.observedAt].slice(-SAMPLES);
      else intervals = [];
      last = renewal;
    }
    if (!last || last.holder === null) continue;
    const cadence = intervals.length >= MIN_SAMPLES ? median(intervals) : ASSUMED_CADENCE_MS;
    const nowOverdue = tick - last.observedAt > cadence + SLACK_MS;
    if (nowOverdue && !overdue) overdueEpisodes.push(tick);
    overdue = nowOverdue;
  }
  return { overdueEpisodes };
}
