import { describe, expect, it } from 'vitest';
import { interpretKey, neighbourCluster } from './keyboard';

describe('interpretKey', () => {
  it('reads "g o" as overview within the sequence window only', () => {
    const first = interpretKey({ pending: null }, 'g', 0);
    expect(first.action).toBeNull();
    expect(interpretKey(first.state, 'o', 500).action).toBe('overview');
    expect(interpretKey(first.state, 'o', 5000).action).toBeNull();
  });

  it.each([
    ['[', 'previous-cluster'],
    [']', 'next-cluster'],
    ['Escape', 'live'],
    ['l', 'live'],
    ['?', 'help'],
    ['x', null],
  ])('%s → %s', (key, action) => {
    expect(interpretKey({ pending: null }, key, 0).action).toBe(action);
  });
});

describe('neighbourCluster', () => {
  it('wraps around and starts at the ends from the overview', () => {
    expect(neighbourCluster(['a', 'b', 'c'], 'c', 1)).toBe('a');
    expect(neighbourCluster(['a', 'b', 'c'], 'a', -1)).toBe('c');
    expect(neighbourCluster(['a', 'b'], null, 1)).toBe('a');
    expect(neighbourCluster(['a', 'b'], null, -1)).toBe('b');
    expect(neighbourCluster([], null, 1)).toBeNull();
  });
});
