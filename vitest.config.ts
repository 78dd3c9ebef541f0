import { defineConfig } from 'vitest/config';
import serverProject from './apps/server/vitest.config.ts';
import webProject from './apps/web/vitest.config.ts';
import coreProject from './packages/core/vitest.config.ts';
import { lanes, NO_LAB } from './vitest.lanes.ts';

// Server tests in three projects, decided by their imports (vitest.lanes.ts): `server` needs the lab,
// `server-services` starts real processes (Redis, PostgreSQL, promtool, podman…), `server-unit` neither.
// `pnpm test:unit` selects the unit lanes, core, web and server-unit: the lab's global setup (which starts only
// for the lab, server and e2e projects) never runs, and in them `@hawk/lab` resolves to a module that throws
// (NO_LAB), so no test there can make a network namespace.
const server = lanes('apps/server', 'test');

// The unit lanes reuse one module graph per worker (isolate: false): their files share no state that outlives a
// file (pure core; the web's Testing Library cleanup and real timers restored after each test; the server's unit
// files start their own apps on port 0), and re-importing the core, React and Fastify for every file was most of
// their time.
const unit = { resolve: { alias: NO_LAB } };

// One entry point for every workspace's tests; each project keeps its own config beside its code.
export default defineConfig({
  test: {
    projects: [
      { ...coreProject, ...unit, root: './packages/core', test: { ...coreProject.test, isolate: false } },
      'packages/lab',
      { root: './apps/server', test: { ...serverProject.test, name: 'server', include: server.lab } },
      { root: './apps/server', test: { ...serverProject.test, name: 'server-services', include: server.services } },
      {
        ...unit,
        root: './apps/server',
        test: { ...serverProject.test, name: 'server-unit', include: server.unit, isolate: false },
      },
      { ...webProject, ...unit, root: './apps/web', test: { ...webProject.test, isolate: false } },
      'apps/web/e2e',
      // The chaos scorer's pure parts (its verdicts on findings); the runs themselves are `pnpm chaos`.
      { test: { name: 'bench', root: './bench', include: ['support/**/*.test.ts'] } },
    ],
    // The lab (packages/lab) is one shared set of real processes: brought up once per run, here at the root, and
    // never used by two test files at once, since tests inject faults into it.
    globalSetup: ['packages/lab/src/testing/global-setup.ts'],
    fileParallelism: false,
    coverage: {
      provider: 'v8',
      include: ['packages/core/src/**/*.ts'],
      // Test support (fixtures, builders, harnesses, the testkit) is not the code under test.
      exclude: ['**/*.test.ts', '**/test-support/**', '**/support/**', '**/testing/**', 'packages/testkit/**'],
      reporter: ['text-summary'],
      thresholds: { lines: 95 },
    },
  },
});
