import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureLab, labDown, labPaths } from '../src/index';
import { withMutationLock } from '../src/lock';

function leftovers(): string[] {
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('hawk-'));
  const links = (JSON.parse(execFileSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' })) as { ifname: string }[])
    .map((l) => l.ifname)
    .filter((n) => n.startsWith('hk-') || n === 'hawk-br0');
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((a) => /\/k8s\/v[\d.]+\/bin\/(kube-|etcd)|hawk-lab\/haproxy\.cfg/.test(a));
  return [...netns, ...links, ...processes, ...(existsSync(labPaths().root) ? [labPaths().root] : [])];
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

  it('up is idempotent: a second call reuses the running lab', async () => {
    const first = (await ensureLab()).state();
    const second = (await ensureLab()).state();
    expect((await second)?.createdAt).toBe((await first)?.createdAt);
  });
});
