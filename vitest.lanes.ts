import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Test lanes, decided from each test file's imports (its own and those of the files it imports by
 * relative path, its support modules), not from a list, so a new test lands in its lane by itself:
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

/** Every bare module specifier `file` reaches through its relative imports. */
function reachedModules(file: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (!specifier) continue;
    if (!specifier.startsWith('.')) found.add(specifier);
    else {
      const target = resolveImport(file, specifier);
      if (target) reachedModules(target, seen, found);
    }
  }
  return found;
}

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
