import { defineConfig } from 'vitest/config';

// One entry point for every workspace's tests; each project keeps its own config beside its code.
export default defineConfig({
  test: {
    projects: ['packages/core', 'packages/lab', 'apps/server', 'apps/web', 'apps/web/e2e'],
    // The lab (packages/lab) is one shared set of real processes: brought up once per run, here at the root, and
    // never used by two test files at once, since tests inject faults into it.
    globalSetup: ['packages/lab/src/testing/global-setup.ts'],
    fileParallelism: false,
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      exclude: ['**/*.test.ts', '**/test-support/**'],
      reporter: ['text-summary'],
      thresholds: { lines: 95 },
    },
  },
});
