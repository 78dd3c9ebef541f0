import { describe, expect, it } from 'vitest';
import { setUpStep } from '@hawk/testkit/set-up-step';

describe("a test's set-up step", () => {
  it('returns what the step made', async () => {
    expect(await setUpStep('count to three', async () => 3)).toBe(3);
  });

  it('names the step and the reasons of an AggregateError whose own message is empty', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.213.0.10:6443'), { code: 'ECONNREFUSED' });
    const failed = await setUpStep('heal the lab', () => Promise.reject(new AggregateError([refused], ''))).catch(
      (error: unknown) => error as Error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect(failed.message).toBe('set-up failed to heal the lab: connect ECONNREFUSED 10.213.0.10:6443');
    expect(failed.cause).toBeInstanceOf(AggregateError);
  });
});
