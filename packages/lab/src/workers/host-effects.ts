import { existsSync } from 'node:fs';
import { readFile, readdir, readlink, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabPaths } from '../paths';
import { run } from '../shell';
import { CNI_NETWORK } from './plan';

/**
 * What a kubelet and containerd change outside their own directories and namespaces, and which `down` puts back:
 * kernel sysctls the kubelet sets (not namespaced), containerd's shim sockets in /run/containerd, libcni's result
 * cache in /var/lib/cni and the kubelet's container log links in /var/log/containers.
 */
export const KUBELET_SYSCTLS = [
  'kernel/panic',
  'kernel/panic_on_oops',
  'vm/overcommit_memory',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
] as const;
export const RUN_CONTAINERD = '/run/containerd';
export const VAR_LIB_CNI = '/var/lib/cni';
export const VAR_LOG_CONTAINERS = '/var/log/containers';

/** HostBefore is the machine as it was before the first worker started. */
interface HostBefore {
  readonly sysctls: Record<string, string>;
  readonly existed: Record<string, boolean>;
}

/**
 * Outside the lab directory, so a crash between start and `down` still knows what to restore; removed once restored.
 */
export function hostBeforeFile(paths: LabPaths): string {
  return `${paths.root}.workers-host-before.json`;
}

export async function readSysctls(): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const key of KUBELET_SYSCTLS) values[key] = (await readFile(join('/proc/sys', key), 'utf8')).trim();
  return values;
}

/** recordHostBefore saves the machine's state once (a second `up --workers` must not save the kubelet's values). */
export async function recordHostBefore(paths: LabPaths): Promise<void> {
  if (existsSync(hostBeforeFile(paths))) return;
  const before: HostBefore = {
    sysctls: await readSysctls(),
    existed: Object.fromEntries([RUN_CONTAINERD, VAR_LIB_CNI, VAR_LOG_CONTAINERS].map((p) => [p, existsSync(p)])),
  };
  await writeFile(hostBeforeFile(paths), JSON.stringify(before));
}

/** restoreHost puts back what recordHostBefore saw, after every worker process is gone. */
export async function restoreHost(paths: LabPaths, workersDir: string, containerdStillRunning: boolean): Promise<void> {
  const file = hostBeforeFile(paths);
  const before = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as HostBefore | null;
  // Links of our pods' logs, and libcni's cached results for our network, whatever the machine had before.
  for (const name of await readdir(VAR_LOG_CONTAINERS).catch(() => [] as string[])) {
    const target = await readlink(join(VAR_LOG_CONTAINERS, name)).catch(() => '');
    if (target.startsWith(`${workersDir}/`)) await rm(join(VAR_LOG_CONTAINERS, name), { force: true });
  }
  for (const name of await readdir(join(VAR_LIB_CNI, 'results')).catch(() => [] as string[])) {
    if (ourCniResult(name, containerdStillRunning)) await rm(join(VAR_LIB_CNI, 'results', name), { force: true });
  }
  if (!before) return;
  for (const [key, value] of Object.entries(before.sysctls))
    await writeFile(join('/proc/sys', key), value).catch(() => undefined);
  for (const [path, existed] of Object.entries(before.existed)) {
    if (existed) continue;
    if (path === RUN_CONTAINERD) {
      if (!containerdStillRunning) await rm(path, { recursive: true, force: true });
    } else {
      await removeEmptyTree(path);
    }
  }
  await rm(file, { force: true });
}

/**
 * ourCniResult: results of our pod network, and of the loopback network containerd's CRI attaches to every sandbox
 * (named cni-loopback whichever containerd made it: ours only while no other containerd runs).
 */
function ourCniResult(name: string, otherContainerdRunning: boolean): boolean {
  return name.startsWith(`${CNI_NETWORK}-`) || (!otherContainerdRunning && name.startsWith('cni-loopback-'));
}

/** removeEmptyTree removes a directory tree only if it holds no files (someone else may have started using it). */
async function removeEmptyTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.isDirectory()) await removeEmptyTree(join(dir, entry.name));
  }
  await rmdir(dir).catch(() => undefined);
}

/** hostLeftovers names what restoreHost should have put back and did not. */
export async function hostLeftovers(paths: LabPaths, workersDir: string): Promise<string[]> {
  const left: string[] = [];
  if (existsSync(hostBeforeFile(paths)))
    left.push(`${hostBeforeFile(paths)} (sysctls and host directories not restored)`);
  for (const name of await readdir(VAR_LOG_CONTAINERS).catch(() => [] as string[])) {
    const target = await readlink(join(VAR_LOG_CONTAINERS, name)).catch(() => '');
    if (target.startsWith(`${workersDir}/`)) left.push(join(VAR_LOG_CONTAINERS, name));
  }
  for (const name of await readdir(join(VAR_LIB_CNI, 'results')).catch(() => [] as string[])) {
    if (ourCniResult(name, false)) left.push(join(VAR_LIB_CNI, 'results', name));
  }
  return left;
}

/**
 * KUBE- chains in the machine's own iptables: the workers' kubelet and kube-proxy must only make them in their
 * namespaces.
 */
export async function hostIptablesChains(): Promise<string[]> {
  const out = await run('iptables-save', []);
  return out.stdout
    .split('\n')
    .filter((l) => /^:KUBE-/.test(l))
    .map((l) => l.slice(1).split(' ')[0]!);
}
