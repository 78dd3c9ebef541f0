import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, readdir, readlink, stat } from 'node:fs/promises';
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

/** What identifies one lab's processes for the crash-safe sweep of `down`. */
export interface LabProcessQuery {
  /** The lab's binaries, by path. */
  readonly binaries: readonly string[];
  readonly haproxyBinary: string;
  /** haproxy counts when started from this config. */
  readonly haproxyConfig: string;
  /** The lab's own scripts, by path as their interpreter's first argument. */
  readonly scripts: readonly string[];
  /** The lab's network namespaces: every lab process runs in one, and another lab's run in its own. */
  readonly netns: readonly string[];
}

/** The named namespaces as /proc/<pid>/ns/net names them (`net:[inode]`); the bind mount in /run/netns has it. */
async function namespaceIds(names: readonly string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const name of names) {
    const info = await stat(`/run/netns/${name}`).catch(() => undefined);
    if (info) ids.add(`net:[${info.ino}]`);
  }
  return ids;
}

/**
 * findLabProcesses lists the pids in the lab's namespaces that run one of its binaries, haproxy from its config, or
 * one of its scripts: the crash-safe sweep for `down`, which leaves another lab on the machine alone.
 */
export async function findLabProcesses(query: LabProcessQuery): Promise<number[]> {
  const namespaces = await namespaceIds(query.netns);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const exe = await executable(pid);
    if (exe === undefined) continue;
    const netns = await readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
    if (netns === undefined || !namespaces.has(netns)) continue;
    if (query.binaries.includes(exe)) {
      pids.push(pid);
      continue;
    }
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if ((exe === query.haproxyBinary && args.includes(query.haproxyConfig)) || query.scripts.some((s) => args[1] === s))
      pids.push(pid);
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
