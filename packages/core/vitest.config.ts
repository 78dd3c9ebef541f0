import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    // Core's tests are pure and CPU-bound (seeded simulations, property tests): a second or two alone, many more in
    // CI's checks lane, which runs at a lower CPU priority beside the lab. A bound on a hung loop, not a speed claim.
    testTimeout: 60_000,
  },
});
