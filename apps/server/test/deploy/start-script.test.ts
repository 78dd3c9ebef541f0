/**
 * `scripts/hawk start` as systemd or a container runtime stops it: SIGTERM (and Ctrl-C's SIGINT) to the
 * start process stops the backend and the web before it exits, leaving no orphans. It runs the built
 * outputs with plain node (no `next start`, so none of Next's warning about standalone output, and no
 * telemetry notice). The web build is the e2e tests' (HAWK_WEB_DIST_DIR), reused when current.
 * The kubeconfig names one cluster nobody serves: this is about processes and routing, not judging, so
 * it needs no lab (start.ts brings the lab up only when the kubeconfig has no context).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const BACKEND_PORT = 4350;
const WEB_PORT = 3350;

const work = mkdtempSync(join(tmpdir(), 'hawk-start-'));
const KUBECONFIG = join(work, 'kubeconfig');
// Port 9 (discard) on loopback: refused at once, so the cluster is listed as unreachable.
writeFileSync(
  KUBECONFIG,
  `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: 'https://127.0.0.1:9' } }]
users: [{ name: nobody, user: { token: unused } }]
contexts: [{ name: nowhere, context: { cluster: nowhere, user: nobody } }]
current-context: nowhere
`,
);

/** Every live process under `root`, from /proc (parent links). */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent; the name (field 2) may hold spaces, so split after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Exited while we read.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  output: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}\n--- start output ---\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('scripts/hawk start', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(
      `serves the page, the API and the socket on one origin, and on ${signal} stops the backend and the web ` +
        'before exiting',
      async () => {
        // What scripts/hawk execs after set-up: node running start.ts (tsx only loads it).
        const start = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
          cwd: REPO_ROOT,
          env: {
            ...process.env,
            KUBECONFIG,
            HAWK_CONFIG: '',
            HAWK_CONTEXTS: '',
            PORT: String(BACKEND_PORT),
            HOST: '127.0.0.1',
            HAWK_WEB_PORT: String(WEB_PORT),
            HAWK_TOKEN: '',
            HAWK_WEB_DIST_DIR: 'e2e/.next',
            HAWK_DB: join(work, `${signal}.db`),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
        let tree: number[] = [];
        try {
          // A web build may run first (minutes on two cores when the e2e build is stale).
          const clusters = await until(
            "the web to proxy the backend's cluster list",
            async () => {
              const response = await fetch(`http://127.0.0.1:${WEB_PORT}/api/clusters`);
              return response.ok ? ((await response.json()) as unknown) : undefined;
            },
            900_000,
            () => output,
          );
          expect(JSON.stringify(clusters)).toContain('"id"');
          expect((await fetch(`http://127.0.0.1:${WEB_PORT}/`)).status).toBe(200);
          // socket.io's handshake through the same origin (the long-polling transport's first request).
          const handshake = await fetch(`http://127.0.0.1:${WEB_PORT}/socket.io/?EIO=4&transport=polling`);
          expect(handshake.status).toBe(200);
          expect(await handshake.text()).toContain('"sid"');

          tree = descendants(start.pid!);
          const commands = tree.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
          expect(
            commands.some((command) => command.includes('apps/server/dist/server.js')),
            commands.join('\n'),
          ).toBe(true);
          // Next's standalone server renames its process (the web is hawk-web.mjs, which loads it).
          expect(
            commands.some((command) => command.includes('hawk-web.mjs') || command.startsWith('next-server')),
            commands.join('\n'),
          ).toBe(true);
          expect(commands.join('\n')).not.toMatch(/\btsx\b.*src\/server\.ts|next start/);

          start.kill(signal);
          expect(await exited).toBe(0);
          await until(
            'every process start.ts started to be gone',
            async () => (tree.every((pid) => !alive(pid)) ? true : undefined),
            15_000,
            () => `${output}\nstill alive: ${tree.filter(alive).join(', ')}`,
          );
          await expect(fetch(`http://127.0.0.1:${BACKEND_PORT}/livez`)).rejects.toThrow();
          expect(output).not.toMatch(
            /"next start" does not work with "output: standalone"|collects completely anonymous telemetry/,
          );
        } finally {
          // A failed assertion must not leave a hawk behind on these ports for the next test.
          for (const pid of [start.pid!, ...tree, ...descendants(start.pid!)])
            if (alive(pid)) process.kill(pid, 'SIGKILL');
        }
      },
      1_000_000,
    );
  }
});
