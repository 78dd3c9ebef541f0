import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureLab, labDown, labPaths } from '../src/index';
import { withMutationLock } from '../src/lock';
import { PAUSE_IMAGE, ensureWorkers, readSysctls } from '../src/workers';

function leftovers(): string[] {
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('hawk-'));
  const links = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n.startsWith('hk-') || n === 'hawk-br0');
  // Another lab on the machine (HAWK_LAB_INSTANCE, a second test lane's) keeps its processes in its own namespaces.
  const otherLabs = new Set(
    execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0]!)
      .filter((name) => /^hawk\d+-/.test(name))
      .flatMap((name) => {
        const inode = statSync(`/run/netns/${name}`, { throwIfNoEntry: false })?.ino;
        return inode === undefined ? [] : [`net:[${inode}]`];
      }),
  );
  const inOtherLab = (pid: string) => {
    try {
      return otherLabs.has(readlinkSync(`/proc/${pid}/ns/net`));
    } catch {
      return false;
    }
  };
  const processes = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+(.*)/s) as [string, string?])
    .filter(
      ([pid, args = '']) =>
        /\/k8s\/v[\d.]+\/bin\/(kube|etcd)|hawk-lab\/haproxy\.cfg|containerd.*hawk-lab/.test(args) && !inOtherLab(pid),
    )
    .map(([pid, args]) => `${pid} ${args}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(labPaths().root));
  const cgroups = readdirSync('/sys/fs/cgroup').flatMap((h) =>
    readdirSync(`/sys/fs/cgroup/${h}`)
      .filter((d) => d.startsWith('hawk-') && !/^hawk-lab-\d+$/.test(d))
      .map((d) => `${h}/${d}`),
  );
  return [
    ...netns,
    ...links,
    ...processes,
    ...mounts,
    ...cgroups,
    ...(existsSync(labPaths().root) ? [labPaths().root] : []),
  ];
}

// Ordering-safe: this file takes the lab down and brings it back up, so files before or after it find it running.
describe('lifecycle', () => {
  it('down after a crash (no state file) leaves nothing behind, and up brings the lab back', async () => {
    await ensureLab();
    // Held across down and the check, so another engineer's ensureLab cannot recreate the lab in between.
    await withMutationLock(labPaths().mutationLock, async () => {
      // A crashed CLI leaves processes and namespaces but may not have written its state: down must find them anyway.
      rmSync(labPaths().state);
      const report = await labDown();
      expect(report.killed).toBe(13);
      expect(report.remaining).toEqual([]);
      expect(leftovers()).toEqual([]);
    });

    const started = Date.now();
    const lab = await ensureLab();
    console.log(`lab ready ${((Date.now() - started) / 1000).toFixed(1)}s after a cold up`);
    expect((await lab.processes()).every((p) => p.state === 'running')).toBe(true);
  });

  it('down with a worker running a pod leaves nothing behind: processes, mounts, cgroups, sysctls, host directories', async () => {
    const sysctls = await readSysctls();
    const hostDirs = () =>
      ['/run/containerd', '/var/lib/cni', '/var/log/containers', '/opt/containerd', '/var/lib/containerd'].filter((d) =>
        existsSync(d),
      );
    const dirsBefore = hostDirs();
    const lab = await ensureLab({ profile: 'kubeadm' });
    await ensureWorkers(lab, 1);
    // A running pod: its sandbox netns, rootfs and volume mounts, shim and cgroups are what down has to find.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'down-test' },
      spec: { nodeName: 'wk-1', containers: [{ name: 'pause', image: PAUSE_IMAGE, imagePullPolicy: 'Never' }] },
    };
    await lab.kube().createIfAbsent('/api/v1/namespaces/default/pods', 'down-test', pod);
    await lab.waitFor(
      async () =>
        (await lab.kube().json<{ status: { phase?: string } }>('/api/v1/namespaces/default/pods/down-test')).status
          .phase === 'Running',
      60_000,
      {
        description: 'pod down-test Running on wk-1',
      },
    );
    expect(leftovers().length).toBeGreaterThan(0);
    await withMutationLock(labPaths().mutationLock, async () => {
      const report = await labDown();
      expect(report.remaining).toEqual([]);
      expect(leftovers()).toEqual([]);
      expect(await readSysctls()).toEqual(sysctls);
      expect(hostDirs()).toEqual(dirsBefore);
    });
    await ensureLab();
  });

  it('up is idempotent: a second call reuses the running lab', async () => {
    const first = (await ensureLab()).state();
    const second = (await ensureLab()).state();
    expect((await second)?.createdAt).toBe((await first)?.createdAt);
  });
});
