import { describe, expect, it } from 'vitest';
import { createConfig, DEFAULT_CONFIG, mustCreateConfig, type HawkConfig } from './config';

describe('createConfig', () => {
  it.each<[Partial<HawkConfig>, string | null]>([
    [{}, null],
    [{ renewSlackMs: -1 }, 'config.renewSlackMs must be a non-negative number, got -1'],
    [{ etcdDbWarnRatio: 0.96 }, 'config.etcdDbWarnRatio must be below config.etcdDbCriticalRatio'],
    [{ etcdDbCriticalRatio: 1.5 }, 'config.etcdDbCriticalRatio must be at most 1'],
    [{ flapTransitions: 1 }, 'config.flapTransitions must be at least 2'],
    [{ cadenceSamples: 0, cadenceMinSamples: 0 }, 'config.cadenceSamples must be at least 1'],
    [{ renewOutlierRatio: 0.9 }, 'config.renewOutlierRatio must be at least 1'],
    [{ cadenceMinSamples: 17 }, 'config.cadenceMinSamples must be between 1 and config.cadenceSamples'],
  ])('%j → %s', (overrides, error) => {
    const result = createConfig(overrides);
    expect('error' in result ? result.error : null).toBe(error);
  });

  it('throws at boot on a bad config', () => {
    expect(mustCreateConfig()).toEqual(DEFAULT_CONFIG);
    expect(() => mustCreateConfig({ flapTransitions: 1 })).toThrow('flapTransitions');
  });
});
