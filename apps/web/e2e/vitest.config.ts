import { defineProject } from 'vitest/config';

// Real browser against the real backend and lab: slow, serial, and never part of the jsdom project.
export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
