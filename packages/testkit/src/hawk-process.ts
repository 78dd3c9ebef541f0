/** Runs hawk's real backend as a child process, as an operator would, and measures it from outside. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeError } from '@hawk/server/describe-error';
import { freePort } from './free-port';

export { freePort };

/** hawk's backend package, and its entry as run from source (tsx): every starter here runs this one. */
export const SERVER_DIR = join(import.meta.dirname, '..', '..', '..', 'apps', 'server');
export const SERVER_ENTRY = 'src/server.ts';

export interface HawkProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** false once the backend has exited, for whatever reason. */
  alive(): boolean;
  /** Why it exited, when it did: a signal, an exit code, or the bench's memory watchdog. */
  death(): string | null;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `apps/server/src/server.ts` with the given env on a free loopback port and waits for /livez. */
export async function spawnHawkProcess(
  env: NodeJS.ProcessEnv,
  options: { readonly quiet?: boolean; readonly port?: number } = {},
): Promise<HawkProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', join(SERVER_DIR, SERVER_ENTRY)], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      HAWK_DB: env.HAWK_DB ?? join(mkdtempSync(join(tmpdir(), 'hawk-bench-')), 'history.db'),
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', options.quiet === false ? 'inherit' : 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let lastSeen = 'no answer yet';
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `hawk exited (${child.signalCode ?? `exit code ${child.exitCode}`}) before it answered ${url}/livez`,
      );
    try {
      const response = await fetch(`${url}/livez`);
      if (response.ok) break;
      lastSeen = `HTTP ${response.status}`;
    } catch (error) {
      lastSeen = describeError(error);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hawk did not answer ${url}/livez within 60 s (last: ${lastSeen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  let stopping = false;
  let death: string | null = null;
  // A backend that dies under a run (killed, out of memory) must say so, not pass for a missed detection.
  child.once('exit', (code, signal) => {
    death ??= signal ?? `exit code ${code}`;
    if (!stopping) console.error(`[bench] hawk (pid ${child.pid}) exited unexpectedly: ${death}`);
  });
  // The machine is shared: a runaway backend is stopped here, well before the kernel's OOM killer picks a victim.
  const limitBytes = Number(process.env.HAWK_BENCH_RSS_LIMIT_MIB ?? 4096) * 2 ** 20;
  const watchdog = setInterval(() => {
    try {
      const { rssBytes } = processUsage(child.pid!);
      if (rssBytes > limitBytes) {
        const limit = `limit ${(limitBytes / 2 ** 30).toFixed(0)} GiB, HAWK_BENCH_RSS_LIMIT_MIB`;
        death = `killed by the bench at ${(rssBytes / 2 ** 30).toFixed(1)} GiB RSS (${limit})`;
        child.kill('SIGKILL');
      }
    } catch {
      /* exited */
    }
  }, 1000);
  watchdog.unref();
  child.once('exit', () => clearInterval(watchdog));
  return {
    url,
    pid: child.pid!,
    child,
    alive: () => child.exitCode === null && child.signalCode === null,
    death: () => death,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        stopping = true;
        // Killed by a signal, exitCode stays null: waiting for 'exit' would never end.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** CPU seconds (user+system) and RSS of a process, read from /proc: what `top` would show. */
export function processUsage(pid: number): { readonly cpuSeconds: number; readonly rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds: ticks / 100, rssBytes: rssKb * 1024 };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
