import { describe, expect, it } from 'vitest';
import { nextVerdictChange, VERDICT_CHANGE_MARK_MS, VERDICT_SETTLE_MS } from './use-verdict-change';

const T = 1_000_000;
const held = (verdict: 'ha-ok' | 'spof' | 'degraded', forMs: number) => ({ verdict, since: T - forMs });

describe('nextVerdictChange', () => {
  it('a first verdict is no change: a page load is not an event', () => {
    expect(nextVerdictChange(null, 'down', null, T)).toBeNull();
  });

  it('marks a change away from a settled verdict, with the verdict it came from', () => {
    expect(nextVerdictChange(held('ha-ok', VERDICT_SETTLE_MS), 'degraded', null, T)).toEqual({ from: 'ha-ok', at: T });
  });

  it('does not mark the short-lived steps of a start-up (SPOF for a second, then degraded)', () => {
    expect(nextVerdictChange(held('spof', 1000), 'degraded', null, T)).toBeNull();
  });

  it('a blip back to where it was clears the mark; another blip keeps it', () => {
    const change = { from: 'ha-ok', at: T - 2000 } as const;
    expect(nextVerdictChange(held('degraded', 2000), 'ha-ok', change, T)).toBeNull();
    expect(nextVerdictChange(held('degraded', 2000), 'spof', change, T)).toBe(change);
  });

  it('keeps the mark while it is recent, drops it after the mark time', () => {
    const change = { from: 'ha-ok', at: T } as const;
    expect(nextVerdictChange(held('degraded', 0), 'degraded', change, T + VERDICT_CHANGE_MARK_MS - 1)).toBe(change);
    expect(nextVerdictChange(held('degraded', 0), 'degraded', change, T + VERDICT_CHANGE_MARK_MS)).toBeNull();
  });
});
