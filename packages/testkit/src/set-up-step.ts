import { describeError } from '@hawk/server/describe-error';

/**
 * Runs one step of a test's set-up so that a failure names the step and its cause. A refused connection can surface as
 * an AggregateError whose own message is empty, which vitest reports as nothing at all: a whole file's tests skipped
 * under a blank set-up error (issue 29).
 */
export async function setUpStep<T>(step: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(`set-up failed to ${step}: ${describeError(error)}`, { cause: error });
  }
}
