import { defineConfig } from 'vitest/config';
import serverProject from './apps/server/vitest.config.ts';
import { lanes } from './vitest.lanes.ts';

// Server tests in three projects, decided by their imports (vitest.lanes.ts): `server` needs the lab,
// `server-services` starts real processes (Redis, PostgreSQL, promtool, podman…), `server-unit` neither.
// `pnpm test:unit` selects core, web and server-unit: the lab's global setup (which starts only for
// the lab, server and e2e projects) never runs, so no network namespace is made.
const server = lanes('apps/server', 'test');

// One entry point for every workspace's tests; each project keeps its own config beside its code.
export default defineConfig({
  test: {
    projects: [
      'packages/core',
      'packages/lab',
      { root: './apps/server', test: { ...serverProject.test, name: 'server', include: server.lab } },
      { root: './apps/server', test: { ...serverProject.test, name: 'server-services', include: server.services } },
      { root: './apps/server', test: { ...serverProject.test, name: 'server-unit', include: server.unit } },
      'apps/web',
      'apps/web/e2e',
    ],
    // The lab (packages/lab) is one shared set of real processes: brought up once per run, here at the root, and
    // never used by two test files at once, since tests inject faults into it.
    globalSetup: ['packages/lab/src/testing/global-setup.ts'],
    fileParallelism: false,
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      // Test support (fixtures, builders) is not the code under test.
      exclude: ['**/*.test.ts', '**/test-support/**', 'packages/core/src/testing/**'],
      reporter: ['text-summary'],
      thresholds: { lines: 95 },
    },
  },
});
