import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Test lanes, decided from each test file's imports (its own and those of the files it imports by
 * relative path or from @hawk/testkit and @hawk/server, its support modules), not from a list, so a new test lands in
 * its lane by itself:
 * - lab: imports @hawk/lab (real control plane in network namespaces);
 * - services: starts real processes (node:child_process: Redis, PostgreSQL, Alertmanager, promtool, podman, helm…);
 * - unit: neither.
 */

const IMPORT = /(?:from|import)\s*\(?\s*'([^']+)'/g;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const REPO = import.meta.dirname;

/** Workspace packages followed through their `exports` (the testkit, the server): name → exported subpath → file. */
const FOLLOWED = new Map(
  ['packages/testkit', 'apps/server'].map((dir) => {
    const manifest = JSON.parse(readFileSync(join(REPO, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, string>;
    };
    const exports = new Map(
      Object.entries(manifest.exports ?? {}).map(([subpath, target]) => [subpath, join(REPO, dir, target)]),
    );
    return [manifest.name, exports] as const;
  }),
);

/** The file a followed workspace package's specifier (`@hawk/testkit/lab-hub`) names, null for anything else. */
function resolveWorkspace(specifier: string): string | null {
  for (const [name, exports] of FOLLOWED) {
    if (specifier === name || specifier.startsWith(`${name}/`))
      return exports.get(`.${specifier.slice(name.length)}`) ?? null;
  }
  return null;
}

/** Every bare module specifier `file` reaches through its relative imports and the testkit's and server's exports. */
function reachedModules(file: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (!specifier) continue;
    const target = specifier.startsWith('.') ? resolveImport(file, specifier) : resolveWorkspace(specifier);
    if (!specifier.startsWith('.')) found.add(specifier);
    if (target) reachedModules(target, seen, found);
  }
  return found;
}

/**
 * Aliases for the unit lanes' projects: `@hawk/lab` (and its subpaths) resolve to a module that throws, so
 * those lanes cannot start the lab. An absolute path, for any project root.
 */
export const NO_LAB = [{ find: /^@hawk\/lab(\/.*)?$/, replacement: join(REPO, 'packages/testkit/src/no-lab.ts') }];

export type Lane = 'lab' | 'services' | 'unit';

export function laneOf(file: string): Lane {
  const modules = [...reachedModules(file)];
  if (modules.some((name) => name === '@hawk/lab' || name.startsWith('@hawk/lab/'))) return 'lab';
  if (modules.some((name) => name === 'node:child_process' || name === 'child_process')) return 'services';
  return 'unit';
}

/** The test files under `root/dir` by lane, as paths relative to `root`. */
export function lanes(root: string, dir: string): Record<Lane, string[]> {
  const result: Record<Lane, string[]> = { lab: [], services: [], unit: [] };
  for (const file of testFiles(resolve(root, dir))) result[laneOf(file)].push(relative(root, file));
  for (const files of Object.values(result)) files.sort();
  return result;
}
