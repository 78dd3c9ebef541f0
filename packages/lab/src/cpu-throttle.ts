import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_INSTANCE } from './topology';

/**
 * CPU throttling of one lab process by a cgroup quota, as a container's CPU limit does: the process runs at most
 * `quotaMs` in every `periodMs`, then waits for the next period. A degradation, not a failure: it serves, more and
 * more slowly as the quota shrinks, until it cannot keep raft's heartbeats on time. cgroup v1's cpu controller or
 * v2's cpu.max, whichever the machine mounts; each throttled process gets its own group under `hawk-lab` (lab N's
 * under `hawk-lab-N`).
 */
const ROOT = '/sys/fs/cgroup';
const V2 = existsSync(join(ROOT, 'cgroup.controllers'));
const CPU_ROOT = V2 ? ROOT : join(ROOT, 'cpu');
const LAB_GROUP = join(CPU_ROOT, LAB_INSTANCE === 0 ? 'hawk-lab' : `hawk-lab-${LAB_INSTANCE}`);

/** Why the lab cannot throttle here, or null when it can. */
export function cpuThrottleUnavailable(): string | null {
  if (V2) return existsSync(join(ROOT, 'cgroup.subtree_control')) ? null : 'cgroup v2 without subtree_control';
  return existsSync(join(CPU_ROOT, 'cpu.cfs_quota_us')) ? null : `no cgroup v1 cpu controller at ${CPU_ROOT}`;
}

/** throttleCpu puts `pid` (all its threads) in group `name` limited to quotaMs of CPU per periodMs. */
export async function throttleCpu(name: string, pid: number, quotaMs: number, periodMs: number): Promise<void> {
  const why = cpuThrottleUnavailable();
  if (why) throw new Error(`cannot throttle CPU: ${why}`);
  const group = join(LAB_GROUP, name);
  await mkdir(group, { recursive: true });
  if (V2) {
    await writeFile(join(ROOT, 'cgroup.subtree_control'), '+cpu').catch(() => undefined);
    await writeFile(join(LAB_GROUP, 'cgroup.subtree_control'), '+cpu').catch(() => undefined);
    await writeFile(join(group, 'cpu.max'), `${Math.round(quotaMs * 1000)} ${Math.round(periodMs * 1000)}`);
  } else {
    // The period first: a quota above the old period would be refused, and a quota of -1 lifts the limit.
    await writeFile(join(group, 'cpu.cfs_quota_us'), '-1');
    await writeFile(join(group, 'cpu.cfs_period_us'), String(Math.round(periodMs * 1000)));
    await writeFile(join(group, 'cpu.cfs_quota_us'), String(Math.round(quotaMs * 1000)));
  }
  await writeFile(join(group, 'cgroup.procs'), String(pid));
}

/** unthrottleAll moves every throttled process back to the root group and removes the lab's groups; names them. */
export async function unthrottleAll(): Promise<string[]> {
  const names = await readdir(LAB_GROUP, { withFileTypes: true }).catch(() => []);
  const released: string[] = [];
  for (const entry of names) {
    if (!entry.isDirectory()) continue;
    const group = join(LAB_GROUP, entry.name);
    const pids = (await readFile(join(group, 'cgroup.procs'), 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line.trim() !== '');
    for (const pid of pids) await writeFile(join(CPU_ROOT, 'cgroup.procs'), pid).catch(() => undefined);
    await rmdir(group);
    released.push(entry.name);
  }
  // The parent too: `down` promises no `hawk-` cgroup is left on the machine.
  await rmdir(LAB_GROUP).catch(() => undefined);
  return released;
}
