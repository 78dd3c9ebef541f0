import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  /** SIGTERM; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /** A fresh redis-server on the same port (empty: no persistence), as after a Redis outage. */
  restart(): Promise<void>;
}

async function spawnRedis(port: number): Promise<ChildProcess> {
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      const waited = `'Ready to accept connections' on port ${port} within 10 s`;
      reject(new Error(`redis-server did not say ${waited}; its output:\n${output || '(none)'}`));
    }, 10_000);
    child.once('error', (error) =>
      reject(new Error(`redis-server could not be started (${error.message}): install Debian's redis-server`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready on port ${port}:\n${output}`)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

/** A throwaway redis-server (Debian's) on a free loopback port, no persistence. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort();
  let child = await spawnRedis(port);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop();
      child = await spawnRedis(port);
    },
  };
}
