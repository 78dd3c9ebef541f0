import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './markdown';

const PAGE = join(REPO_ROOT, 'docs', 'configuration.md');

/** `pnpm docs:config --check` as a process: tsx runs the root's generator (scripts/gen-configuration-docs.ts). */
function checkConfigurationDoc(page = PAGE) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/gen-configuration-docs.ts', '--check', '--page', page],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 },
  );
}

// docs/configuration.md is generated from env.ts and the chart's values schema: the generator's own check fails when
// the page was not regenerated (`pnpm docs:config`) or a setting has no description. (configuration-listed.test.ts
// checks the same page in the unit lane, without the generator.)
describe('docs/configuration.md', () => {
  const page = readFileSync(PAGE, 'utf8');

  it('is what `pnpm docs:config` writes, and every variable and value has a description', () => {
    const check = checkConfigurationDoc();
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it('the check catches a page that lost a row', () => {
    const stale = join(mkdtempSync(join(tmpdir(), 'hawk-docs-')), 'configuration.md');
    writeFileSync(stale, page.replace(/^\| `HAWK_REPLICA_ID` \|.*\n/m, ''));
    const check = checkConfigurationDoc(stale);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain('is out of date');
  });
});
