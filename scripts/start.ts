/**
 * `pnpm start`: hawk against the kubeconfig's clusters, or against the local lab when there are none
 * (the embedded default). `pnpm demo` (`--lab`) always uses the lab. Builds what is stale, then runs the
 * compiled backend and the web's standalone server with plain `node`, as the images do, and stops both on
 * SIGINT/SIGTERM (Ctrl-C, systemd, a container runtime) before exiting; the lab keeps running (`pnpm lab down`).
 *
 * The web (HAWK_WEB_PORT, default 3000) serves the page and proxies the API and the socket to the backend
 * (PORT, default 4000), so the page is one origin. It binds where the backend does (HOST, loopback by
 * default): a proxy on every interface in front of a token-less loopback backend would publish cluster data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { ensureLab } from '@hawk/lab';

const root = join(import.meta.dirname, '..');
const forceLab = process.argv.includes('--lab') || process.env.HAWK_LAB === '1';

/** Counts contexts the way kubectl finds them: KUBECONFIG's files, else ~/.kube/config. */
function kubeconfigContexts(): number {
  const files = process.env.KUBECONFIG
    ? process.env.KUBECONFIG.split(delimiter).filter(Boolean)
    : [join(homedir(), '.kube', 'config')];
  let contexts = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      const document = parse(readFileSync(file, 'utf8')) as { contexts?: unknown[] } | null;
      contexts += Array.isArray(document?.contexts) ? document.contexts.length : 0;
    } catch (error) {
      console.error(`[start] ${file} is not valid YAML: ${(error as Error).message}`);
    }
  }
  return contexts;
}

const children = new Set<ChildProcess>();
let stopping = false;

/** Stops every child, waits for them (SIGKILL after 10 s), then exits: no backend or web outlives this process. */
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map((child) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  for (const child of children) child.kill('SIGTERM');
  const killer = setTimeout(() => {
    for (const child of children) child.kill('SIGKILL');
  }, 10_000);
  await Promise.all(exits);
  clearTimeout(killer);
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// A crash here (e.g. EPIPE once the terminal is gone) must not orphan the backend and the web either.
process.on('uncaughtException', (error) => {
  console.error(`[start] ${error.message}; stopping`);
  void shutdown(1);
});

function spawnChild(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  stdio: 'inherit' | ['ignore', 'inherit', 'inherit'],
): ChildProcess {
  const child = spawn(command, args, { cwd, env, stdio });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** A long-running part of hawk: when it exits on its own, everything stops. */
function run(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const child = spawnChild(command, args, cwd, env, ['ignore', 'inherit', 'inherit']);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${name} exited (${signal ?? code}); stopping`);
    void shutdown(code ?? 1);
  });
}

async function build(what: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  console.log(`[start] building ${what} ...`);
  const child = spawnChild('pnpm', args, root, env, 'inherit');
  const code: number = await new Promise((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
  if (code !== 0 && !stopping) {
    console.error(`[start] building ${what} failed (exit ${code})`);
    process.exit(code);
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.') || entry === 'dist' || entry === 'e2e') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}
/** An output newer than every input needs no rebuild: a web build takes minutes on a small machine. */
function stale(output: string, inputs: string[]): boolean {
  return (
    !existsSync(output) ||
    statSync(output).mtimeMs < Math.max(...inputs.map(newestMtime), newestMtime(join(root, 'pnpm-lock.yaml')))
  );
}

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
if (forceLab || kubeconfigContexts() === 0) {
  console.log(
    forceLab
      ? '[start] using the local lab'
      : '[start] no kubeconfig contexts found: bringing up the local lab (the embedded default)',
  );
  const lab = await ensureLab({}, { onProgress: (message) => console.log(`[lab] ${message}`) });
  Object.assign(env, lab.env());
} else {
  console.log(`[start] watching the kubeconfig's ${kubeconfigContexts()} context(s)`);
}

const core = join(root, 'packages', 'core', 'src');
const server = join(root, 'apps', 'server');
const web = join(root, 'apps', 'web');
// HAWK_WEB_DIST_DIR: the web's build directory (the e2e tests share theirs); the standalone server is inside it.
const webDist = join(web, env.HAWK_WEB_DIST_DIR || '.next');
const serverEntry = join(server, 'dist', 'server.js');
const webEntry = join(webDist, 'standalone', 'apps', 'web', 'hawk-web.mjs');
if (stale(serverEntry, [join(server, 'src'), join(server, 'scripts'), join(server, 'package.json'), core]))
  await build('the backend', ['--filter', '@hawk/server', 'build'], env);
if (
  stale(webEntry, [
    join(web, 'src'),
    join(web, 'server'),
    join(web, 'scripts'),
    join(web, 'next.config.ts'),
    join(web, 'package.json'),
    core,
  ])
)
  await build('the web (next build)', ['--filter', '@hawk/web', 'build'], env);

const backendPort = env.PORT || '4000';
const host = env.HOST || '127.0.0.1';
const webPort = env.HAWK_WEB_PORT || '3000';
if (!stopping) {
  // The image's flags (apps/server/Dockerfile): a small young generation keeps RSS near the live heap.
  run('backend', process.execPath, ['--max-semi-space-size=2', serverEntry], server, env);
  run('web', process.execPath, [webEntry], web, {
    ...env,
    PORT: webPort,
    HOSTNAME: host,
    HAWK_API_URL: `http://127.0.0.1:${backendPort}`,
  });
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(
    `[start] hawk: http://${shown}:${webPort} (wall display: http://${shown}:${webPort}/?kiosk=1); the API and ` +
      'the socket on the same origin',
  );
}
