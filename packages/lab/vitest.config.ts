import { defineProject } from 'vitest/config';

// Real processes: bringing a lab up takes tens of seconds on two cores, a leader failover up to lease duration + renew.
export default defineProject({
  test: {
    name: 'lab',
    include: ['test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
