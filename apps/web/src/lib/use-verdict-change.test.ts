import { describe, expect, it } from 'vitest';
import { nextVerdictChange, VERDICT_CHANGE_MARK_MS } from './use-verdict-change';

describe('nextVerdictChange', () => {
  it('a first verdict is no change: a page load is not an event', () => {
    expect(nextVerdictChange(null, 'down', null, 1000)).toBeNull();
  });

  it('marks a change with the verdict it came from', () => {
    expect(nextVerdictChange('ha-ok', 'down', null, 1000)).toEqual({ from: 'ha-ok', at: 1000 });
  });

  it('keeps the mark while it is recent, drops it after the mark time', () => {
    const change = { from: 'ha-ok', at: 1000 } as const;
    expect(nextVerdictChange('down', 'down', change, 1000 + VERDICT_CHANGE_MARK_MS - 1)).toBe(change);
    expect(nextVerdictChange('down', 'down', change, 1000 + VERDICT_CHANGE_MARK_MS)).toBeNull();
  });
});
