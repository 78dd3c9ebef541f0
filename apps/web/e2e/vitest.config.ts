import { defineProject } from 'vitest/config';

// A real browser against the real backend and lab: slow and serial, never part of the jsdom project.
export default defineProject({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.test.ts'],
    exclude: ['.next/**', 'node_modules/**'],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
