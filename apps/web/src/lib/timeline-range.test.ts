import { describe, expect, it } from 'vitest';
import { HISTORY_STEP_MS, timelineRange } from './timeline-range';

describe('timelineRange', () => {
  it('takes from and to from the link when both are given in order', () => {
    expect(timelineRange(1000, 5000, 60_000, 99_999)).toEqual({
      from: 1000,
      to: 5000,
      fixed: true,
      historyFrom: 1000,
      historyTo: 5000,
    });
  });

  it('follows now otherwise, fetching history in whole steps', () => {
    const now = 10 * HISTORY_STEP_MS + 1234;
    const range = timelineRange(null, 5000, HISTORY_STEP_MS * 2, now);
    expect(range).toMatchObject({
      from: now - 2 * HISTORY_STEP_MS,
      to: now,
      fixed: false,
      historyFrom: 8 * HISTORY_STEP_MS,
      historyTo: 11 * HISTORY_STEP_MS,
    });
    expect(timelineRange(null, null, HISTORY_STEP_MS * 2, now + 1000).historyFrom).toBe(range.historyFrom);
  });

  it('ignores a reversed range', () => {
    expect(timelineRange(5000, 1000, 60_000, 100_000).fixed).toBe(false);
  });
});
