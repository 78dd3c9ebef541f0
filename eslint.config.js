import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.hawk/**',
      '**/.next/**',
      '**/dist/**',
      '**/coverage/**',
      'bench/results/**',
      '**/next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // No import cycles: a module that needs its importer is two modules pretending to be one.
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // How the rule reads the modules it follows: TypeScript's parser and resolution (workspace packages, paths).
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['tsconfig.json', 'apps/*/tsconfig.json', 'apps/web/e2e/tsconfig.json', 'packages/*/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A workspace package is reached by its name and `exports` (shared test support: @hawk/testkit), never by a
      // relative path into its src/ or test/: that path is a dependency nobody declared.
      'import-x/no-relative-packages': 'error',
    },
  },
  {
    // The root test config is the one place that gathers every workspace's project config.
    files: ['vitest.config.ts'],
    rules: { 'import-x/no-relative-packages': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // A function past a screen of code is doing several things: a warning to split it, not a gate.
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      // Prettier wraps code at 120; this catches what it cannot break (strings, templates, comments, SQL). A test's
      // title stays whole on the line that opens it, so the name a failure prints can be searched for as printed.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignorePattern: String.raw`^\s*(it|test|describe)(\.\w+)*\(|^import\s` },
      ],
    },
  },
  {
    // A test file is one long describe callback by nature; its tests are short, the wrapper is not.
    files: ['**/*.test.{ts,tsx}', '**/e2e/**/*.ts', '**/test/**/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // The domain core is pure: time comes in as an argument, never from the wall clock.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core is pure: take `now` as a parameter' },
      ],
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'http', 'https', 'net'] }],
    },
  },
);
