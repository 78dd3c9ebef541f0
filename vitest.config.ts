import { defineConfig } from 'vitest/config';

// One entry point for every workspace's tests; each project keeps its own config beside its code.
export default defineConfig({
  test: {
    projects: ['packages/core', 'packages/lab', 'apps/server', 'apps/web'],
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/test-support/**'],
      reporter: ['text-summary'],
      thresholds: { lines: 95 },
    },
  },
});
