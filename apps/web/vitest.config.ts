import { defineProject } from 'vitest/config';

export default defineProject({
  // Vite 8 transforms with oxc (its esbuild option is ignored): the automatic JSX runtime, as Next uses.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-support/setup.ts'],
  },
});
