import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_PLANE_RULES, NOT_VISIBLE_RULES, UNREACHABLE_RULES } from '@hawk/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './markdown';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

// The pages that list alerts and rules must keep up with them: a new rule or Prometheus alert fails here until
// docs/alerts.md and docs/how-hawk-judges.md say what it is.
describe('docs/alerts.md and docs/how-hawk-judges.md', () => {
  it('list every alert of deploy/prometheus/hawk-rules.yaml, each linking its runbook', () => {
    const rules = parse(read('deploy/prometheus/hawk-rules.yaml')) as { groups: { rules: { alert?: string }[] }[] };
    const alerts = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(alerts.length).toBeGreaterThan(10);
    const page = read('docs/alerts.md');
    expect(alerts.filter((alert) => !page.includes(`[\`${alert}\`](runbooks/${alert}.md)`))).toEqual([]);
  });

  it('list every rule of the core, with its evidence', () => {
    const ids = [...CONTROL_PLANE_RULES, ...UNREACHABLE_RULES, ...NOT_VISIBLE_RULES].map((rule) => rule.id);
    expect(ids.length).toBeGreaterThan(20);
    // The alert a finding is pushed as, and its runbook (alertNameOf in apps/server/src/alerts).
    const alertmanagerRows = read('docs/alerts.md');
    const withoutRunbook = ids.filter((id) => {
      const alert = id.startsWith('Hawk') ? id : `Hawk${id}`;
      const row = new RegExp(`^\\| \`${id}\` \\|.*\\[${alert}\\]\\(runbooks/${alert}\\.md\\) \\|$`, 'm');
      return !row.test(alertmanagerRows);
    });
    expect(withoutRunbook).toEqual([]);
    for (const path of ['docs/alerts.md', 'docs/how-hawk-judges.md']) {
      const page = read(path);
      expect(
        ids.filter((id) => !page.includes(`| \`${id}\` |`)),
        path,
      ).toEqual([]);
    }
  });
});
