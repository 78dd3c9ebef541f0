import { readFile, readdir, readlink, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPaths } from '../paths';
import { binaryDir } from '../paths';
import { signal } from '../processes';
import { run, sleep } from '../shell';
import { LAB_INSTANCE, NETNS_PREFIX } from '../topology';
import { hostLeftovers, restoreHost } from './host-effects';
import { WORKER_PREFIX, workersDir } from './plan';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** The cgroup-root of every worker starts so: /hawk-wk-1, … */
const CGROUP_PREFIX = `${NETNS_PREFIX}${WORKER_PREFIX}`;

async function exeOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/exe`).then(
    (e) => e.replace(/ \(deleted\)$/, ''),
    () => undefined,
  );
}

/**
 * workerCgroups lists every cgroup directory below a worker's cgroup root, in every hierarchy (cgroup v1 here: one
 * per controller, plus name=systemd and the unified one), deepest first so they can be removed in order.
 */
export async function workerCgroups(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(dir, e.name));
    }
    found.push(dir);
  };
  for (const hierarchy of await readdir(CGROUP_ROOT).catch(() => [] as string[])) {
    for (const e of await readdir(join(CGROUP_ROOT, hierarchy), { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory() && e.name.startsWith(CGROUP_PREFIX)) await walk(join(CGROUP_ROOT, hierarchy, e.name));
    }
  }
  return found;
}

/**
 * workerProcesses finds what the workers run, with or without a state file: kubelets and kube-proxies by binary,
 * containerd and its shims by the worker directory in their command line, and pods' processes by cgroup.
 */
export async function workerProcesses(paths: LabPaths): Promise<number[]> {
  const dir = `${workersDir(paths)}/`;
  const ours = new Set([join(binaryDir(), 'kubelet'), join(binaryDir(), 'kube-proxy')]);
  const pids = new Set<number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const exe = await exeOf(pid);
    if (exe === undefined) continue;
    if (ours.has(exe)) pids.add(pid);
    else if (exe.startsWith('/usr/bin/containerd')) {
      const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (args.includes(dir)) pids.add(pid);
    }
  }
  for (const cgroup of await workerCgroups()) {
    const procs = await readFile(join(cgroup, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of procs.split('\n')) if (/^\d+$/.test(line)) pids.add(Number(line));
  }
  return [...pids].filter((p) => p !== process.pid);
}

/**
 * workerMounts lists mount points under the workers' directory (kubelet's root bind mount, volumes, rootfs, netns),
 * deepest first.
 */
export async function workerMounts(paths: LabPaths): Promise<string[]> {
  const dir = workersDir(paths);
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))),
    )
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * removeWorkers stops every worker process and undoes what they did to the machine: mounts, cgroups, sysctls and
 * host directories. The namespaces, links and files go with the lab's own `down`. Returns how many processes it killed.
 */
export async function removeWorkers(paths: LabPaths): Promise<number> {
  // Kubelets, containerd and the machine's CNI state are found machine-wide: only lab 0 runs workers, and another
  // lab's `down` must not take lab 0's.
  if (LAB_INSTANCE !== 0) return 0;
  let killed = 0;
  // Pods' processes can fork while we kill; a few rounds empty the cgroups.
  for (let round = 0; round < 20; round++) {
    const pids = await workerProcesses(paths);
    if (pids.length === 0) break;
    for (const pid of pids) signal(pid, 'SIGKILL');
    killed += pids.length;
    await sleep(200);
  }
  for (const point of await workerMounts(paths)) {
    if ((await run('umount', [point])).code !== 0) await run('umount', ['-l', point]);
  }
  for (const cgroup of await workerCgroups()) await rmdir(cgroup).catch(() => undefined);
  const containerdStillRunning = await anyContainerd();
  await restoreHost(paths, workersDir(paths), containerdStillRunning);
  return killed;
}

async function anyContainerd(): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (/^\d+$/.test(entry) && (await exeOf(Number(entry))) === '/usr/bin/containerd') return true;
  }
  return false;
}

/** workerLeftovers names anything of the workers that is still there: `down` reports it and the down test checks it. */
export async function workerLeftovers(paths: LabPaths): Promise<string[]> {
  if (LAB_INSTANCE !== 0) return [];
  return [
    ...(await workerProcesses(paths)).map((p) => `worker pid ${p}`),
    ...(await workerMounts(paths)).map((m) => `mount ${m}`),
    ...(await workerCgroups()).map((c) => `cgroup ${c}`),
    ...(await hostLeftovers(paths, workersDir(paths))),
  ];
}
