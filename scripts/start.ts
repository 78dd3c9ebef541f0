/**
 * `pnpm start`: hawk against the kubeconfig's clusters, or against the local lab when there are none
 * (the embedded default). `pnpm demo` (`--lab`) always uses the lab. Runs the backend and the web
 * production build side by side and stops both on Ctrl-C; the lab keeps running (`pnpm lab down`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { ensureLab } from '@hawk/lab';

const root = join(import.meta.dirname, '..');
const forceLab = process.argv.includes('--lab') || process.env.HAWK_LAB === '1';

/** Counts contexts the way kubectl finds them: KUBECONFIG's files, else ~/.kube/config. */
function kubeconfigContexts(): number {
  const files = process.env.KUBECONFIG ? process.env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
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

function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    console.error(`[start] ${name} exited (${signal ?? code}); stopping`);
    shutdown(code ?? 1);
  });
  return child;
}

const children: ChildProcess[] = [];
let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 2000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

const env: NodeJS.ProcessEnv = { ...process.env };
if (forceLab || kubeconfigContexts() === 0) {
  console.log(forceLab ? '[start] using the local lab' : '[start] no kubeconfig contexts found: bringing up the local lab (the embedded default)');
  const lab = await ensureLab({}, { onProgress: (message) => console.log(`[lab] ${message}`) });
  Object.assign(env, lab.env());
} else {
  console.log(`[start] watching the kubeconfig's ${kubeconfigContexts()} context(s)`);
}

console.log('[start] building the web (next build) ...');
const build = spawn('pnpm', ['--filter', '@hawk/web', 'build'], { cwd: root, env, stdio: 'inherit' });
const buildCode: number = await new Promise((resolve) => build.on('exit', (code) => resolve(code ?? 1)));
if (buildCode !== 0) process.exit(buildCode);

children.push(run('backend', 'pnpm', ['--filter', '@hawk/server', 'start'], env));
children.push(run('web', 'pnpm', ['--filter', '@hawk/web', 'start'], env));
console.log('[start] hawk: http://localhost:3000 (wall display: http://localhost:3000/?kiosk=1), API http://127.0.0.1:4000');
