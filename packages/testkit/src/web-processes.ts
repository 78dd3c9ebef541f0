import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '@hawk/server/describe-error';
import { SERVER_DIR, SERVER_ENTRY } from './hawk-process';

/** What the e2e tests start: paths, ports and the distDir the web is built into. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const WEB_DIR = join(REPO_ROOT, 'apps', 'web');
/** Ports of their own, so a developer's `pnpm dev` on 3000/4000 neither breaks nor is broken by a run. */
export const BACKEND_PORT = 4310;
export const WEB_PORT = 3310;
export const BACKEND_URL = `http://127.0.0.1:${BACKEND_PORT}`;
export const WEB_URL = `http://127.0.0.1:${WEB_PORT}`;
/**
 * Relative to apps/web: the e2e tests' own build (standalone, with hawk-web.mjs proxying to BACKEND_URL at run time).
 */
export const E2E_DIST_DIR = 'e2e/.next';

export interface Started {
  readonly child: ChildProcess;
  /** The last lines the process printed, for failure messages. */
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Spawns a process in its own group (so stop() takes its children too) and keeps its output's tail. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-6000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => `--- ${name} output ---\n${tail}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        return;
      }
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}

/** Polls `probe` until it returns a value, failing with `describe()` (e.g. a process's output) after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  describe: () => string | Promise<string> = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      // describeError: a refused connection often comes as an AggregateError whose own message is empty.
      lastError = describeError(error);
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000}s waiting for ${what}` +
          `${lastError ? ` (last error: ${lastError})` : ''}\n${await describe()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/**
 * Runs `next build` into E2E_DIST_DIR unless a build newer than every source it depends on is there
 * already: a build takes minutes on a shared machine, and an unchanged app needs none.
 */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  const buildId = join(WEB_DIR, E2E_DIST_DIR, 'BUILD_ID');
  const inputs = [
    join(WEB_DIR, 'src'),
    join(WEB_DIR, 'server'),
    join(WEB_DIR, 'scripts'),
    join(WEB_DIR, 'next.config.ts'),
    join(WEB_DIR, 'package.json'),
    join(REPO_ROOT, 'packages', 'core', 'src'),
  ];
  const entry = join(WEB_DIR, E2E_DIST_DIR, 'standalone', 'apps', 'web', 'hawk-web.mjs');
  if (existsSync(buildId) && existsSync(entry) && statSync(entry).mtimeMs > Math.max(...inputs.map(newestMtime))) {
    log('web build is current: not rebuilding');
    return;
  }
  log('building the web (next build) ...');
  // The web's `build` script: next build, then scripts/finish-build.ts (static files and hawk-web.mjs into
  // standalone/).
  const build = startProcess('web build', 'pnpm', ['run', 'build'], {
    cwd: WEB_DIR,
    env: { ...process.env, HAWK_WEB_DIST_DIR: E2E_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
  });
  const code = await new Promise<number | null>((resolve) => build.child.once('exit', resolve));
  if (code !== 0) throw new Error(`web build failed (exit ${code})\n${build.output()}`);
}

/** hawk's backend against the lab, on BACKEND_PORT, with a history file of its own. */
export function startBackend(labEnv: Readonly<Record<string, string>>, historyFile: string): Started {
  return startProcess('backend', join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [SERVER_ENTRY], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      ...labEnv,
      PORT: String(BACKEND_PORT),
      HOST: '127.0.0.1',
      HAWK_WEB_ORIGIN: WEB_URL,
      HAWK_DB: historyFile,
      HAWK_LOG_LEVEL: 'warn',
      HAWK_TOKEN: '',
    },
  });
}

/**
 * The e2e build as production runs it (Next's standalone server behind hawk-web.mjs) on WEB_PORT, proxying to
 * BACKEND_URL.
 */
export function startWeb(): Started {
  return startProcess(
    'web',
    process.execPath,
    [join(WEB_DIR, E2E_DIST_DIR, 'standalone', 'apps', 'web', 'hawk-web.mjs')],
    {
      cwd: WEB_DIR,
      env: {
        ...process.env,
        PORT: String(WEB_PORT),
        HOSTNAME: '127.0.0.1',
        HAWK_API_URL: BACKEND_URL,
        NEXT_TELEMETRY_DISABLED: '1',
      },
    },
  );
}
