import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** A TypeScript script run in its own node process (tsx as a loader, so SIGKILL hits the script itself). */
export interface Child {
  readonly process: ChildProcess;
  /** Every JSON line the child printed, with when the parent read it (epoch ms). */
  readonly lines: { at: number; message: Record<string, unknown> }[];
  /** Resolves with the first line (already printed or to come) that satisfies `match`. */
  line(match: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGKILL: no release, no goodbye; resolves once the process is gone. Returns when it was sent. */
  kill9(): Promise<number>;
}

export function spawnScript(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Child['lines'] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    try {
      lines.push({ at: Date.now(), message: JSON.parse(text) as Record<string, unknown> });
    } catch {
      return; // not ours (a library's stray output)
    }
    for (const wake of waiters) wake();
  });
  return {
    process: child,
    lines,
    line(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => match(line.message));
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found.message);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${script}: no matching line within ${timeoutMs} ms; stderr:\n${stderr.slice(-2_000)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    async kill9() {
      const exited = new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve),
      );
      const at = Date.now();
      child.kill('SIGKILL');
      await exited;
      return at;
    },
  };
}
