import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { helmBinary, requireCommand } from '../deploy/deploy-tools';
import { documentationFiles, REPO_ROOT, runnableBlocks } from './markdown';

// The shell blocks of README.md and docs/ marked `<!-- runnable -->` are the ones safe anywhere (help texts,
// `helm template`, checks): each must run from the repository's root, exit 0 and print something.
describe('the runnable commands of README.md and docs/', () => {
  const blocks = documentationFiles().flatMap(runnableBlocks);

  it('finds them', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it.each(blocks.map((block) => [`${block.file}:${block.line}`, block] as const))('%s', (_where, block) => {
    // The tools the blocks call, found as the other tests find them; a missing one fails with how to get it.
    const environment = { ...process.env, HAWK_HELM: helmBinary() };
    if (block.script.includes('promtool')) {
      requireCommand('promtool', 'apt-get install prometheus (scripts/setup.sh does)');
    }
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', block.script], {
      cwd: REPO_ROOT,
      env: environment,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, `${block.script}\n${output}`).toBe(0);
    expect(run.stdout.trim().length, `${block.script}: no output`).toBeGreaterThan(0);
  });
});
