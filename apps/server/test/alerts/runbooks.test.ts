import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONTROL_PLANE_RULES, NOT_VISIBLE_RULES, UNREACHABLE_RULES } from '@hawk/core';
import { alertNameOf, runbookUrl } from '../../src/alerts';

const REPO = join(import.meta.dirname, '../../../..');
const RUNBOOKS = join(REPO, 'docs', 'runbooks');
const SECTIONS = [
  '## What it means',
  '## How hawk knows',
  '## What to check first',
  '## When it is a false alarm',
  '## How to silence it safely',
];

const rules = parse(readFileSync(join(REPO, 'deploy/prometheus/hawk-rules.yaml'), 'utf8')) as {
  groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[];
};
const shipped = rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert));
const pushed = [...CONTROL_PLANE_RULES, ...UNREACHABLE_RULES, ...NOT_VISIBLE_RULES].map((rule) => alertNameOf(rule.id));

function missingSections(alertname: string): string[] {
  const path = join(RUNBOOKS, `${alertname}.md`);
  if (!existsSync(path)) return [`${alertname}: no docs/runbooks/${alertname}.md`];
  const text = readFileSync(path, 'utf8');
  return [
    ...(text.startsWith(`# ${alertname}\n`) ? [] : [`${alertname}: does not open with its name`]),
    ...SECTIONS.filter((section) => !text.includes(`\n${section}\n`)).map((section) => `${alertname}: ${section}`),
    // Scoped to one cluster, or to one hawk deployment for hawk's own alerts (they carry no `cluster`).
    ...(new RegExp(`alertname=${alertname} (cluster|namespace)=`).test(text)
      ? []
      : [`${alertname}: no silence scoped by alertname and cluster (or namespace)`]),
  ];
}

describe('runbooks (docs/runbooks)', () => {
  it('every shipped Prometheus rule links its runbook, at the URL hawk pushes use too', () => {
    expect(shipped.length).toBeGreaterThan(15);
    expect(shipped.filter((rule) => rule.annotations?.runbook_url !== runbookUrl(rule.alert!))).toEqual([]);
    expect(shipped.flatMap((rule) => missingSections(rule.alert!))).toEqual([]);
  });

  it('every finding hawk can push has one, under its alert name (HawkSourceStale, not HawkHawkSourceStale)', () => {
    expect(pushed).toContain('HawkSourceStale');
    expect(pushed).toContain('HawkEtcdQuorumLost');
    expect(pushed.flatMap(missingSections)).toEqual([]);
  });

  it('has no runbook for an alert nothing raises', () => {
    const raised = new Set([...shipped.map((rule) => rule.alert!), ...pushed]);
    const pages = readdirSync(RUNBOOKS)
      .filter((name) => name.endsWith('.md') && name !== 'README.md')
      .map((name) => name.slice(0, -3));
    expect(pages.filter((page) => !raised.has(page))).toEqual([]);
    const index = readFileSync(join(RUNBOOKS, 'README.md'), 'utf8');
    expect(pages.filter((page) => !index.includes(`](${page}.md)`))).toEqual([]);
  });
});
