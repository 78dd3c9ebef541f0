import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import type { CommandLine } from './components';
import { ETC_KUBERNETES } from './paths';
import type { LabHost } from './topology';
import { sleep } from './shell';

export type ProcessState = 'running' | 'frozen' | 'stopped';

/**
 * startInHost runs a component inside the host's network namespace and a fresh UTS namespace carrying the host's
 * name. `ip netns exec` and `unshare` exec without forking, and `sh` execs the binary, so the pid we get is the
 * component's own. Detached: the lab outlives the CLI that started it.
 */
export function startInHost(host: LabHost, command: CommandLine, logFile: string): number {
  const log = openSync(logFile, 'a');
  try {
    // A kubeadm node's processes see its directory as /etc/kubernetes; unshare's mounts are private by default.
    const mount = command.etcKubernetes ? [`mount --bind '${safePath(command.etcKubernetes)}' ${ETC_KUBERNETES}`] : [];
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        host.netns,
        'unshare',
        '--uts',
        ...(command.etcKubernetes ? ['--mount'] : []),
        'sh',
        '-c',
        [...mount, `hostname ${host.name}`, 'exec "$0" "$@"'].join(' && '),
        command.binary,
        ...command.args,
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command.binary} in ${host.netns}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function safePath(path: string): string {
  if (!/^[\w./-]+$/.test(path)) throw new Error(`unsafe path for a shell command: ${path}`);
  return path;
}

async function executable(pid: number): Promise<string | undefined> {
  try {
    return (await readlink(`/proc/${pid}/exe`)).replace(/ \(deleted\)$/, '');
  } catch {
    return undefined;
  }
}

async function schedulerState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * processState reads /proc. A pid counts only while it still runs `binary` (pids get reused) and is not a zombie;
 * T (stopped by signal) is our freeze.
 */
export async function processState(pid: number | undefined, binary: string): Promise<ProcessState> {
  if (pid === undefined) return 'stopped';
  // Right after spawn the pid may still be `ip`/`unshare`/`sh` on its way to exec the binary.
  const exe = await executable(pid);
  const state = await schedulerState(pid);
  if (exe === undefined || state === undefined || state === 'Z' || state === 'X') return 'stopped';
  if (
    exe !== binary &&
    !['/usr/bin/ip', '/usr/sbin/ip', '/bin/ip', '/usr/bin/unshare', '/usr/bin/dash', '/bin/dash'].includes(exe)
  )
    return 'stopped';
  return state === 'T' || state === 't' ? 'frozen' : 'running';
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** stopGracefully sends SIGTERM (thawing first so it can act on it), then SIGKILL after `graceMs`. */
export async function stopGracefully(pid: number, binary: string, graceMs = 10_000): Promise<void> {
  signal(pid, 'SIGTERM');
  signal(pid, 'SIGCONT');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if ((await processState(pid, binary)) === 'stopped') return;
    await sleep(100);
  }
  signal(pid, 'SIGKILL');
  await waitUntilGone(pid, binary);
}

export async function waitUntilGone(pid: number, binary: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await processState(pid, binary)) === 'stopped') return;
    await sleep(50);
  }
  throw new Error(`pid ${pid} (${binary}) did not exit`);
}

/**
 * findLabProcesses lists pids running any of `binaries`, haproxy processes started from our config, and processes
 * running the lab's own scripts (`scripts`, by path in the command line): the crash-safe sweep for `down`.
 */
export async function findLabProcesses(
  binaries: readonly string[],
  haproxyBinary: string,
  haproxyConfig: string,
  scripts: readonly string[] = [],
): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const exe = await executable(pid);
    if (exe === undefined) continue;
    if (binaries.includes(exe)) {
      pids.push(pid);
      continue;
    }
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if ((exe === haproxyBinary && args.includes(haproxyConfig)) || scripts.some((s) => args[1] === s)) pids.push(pid);
  }
  return pids;
}

/** waitUntilExited waits for a pid of any binary to disappear (or turn zombie). */
export async function waitUntilExited(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await schedulerState(pid);
    if (state === undefined || state === 'Z' || state === 'X') return;
    await sleep(50);
  }
  throw new Error(`pid ${pid} did not exit`);
}
