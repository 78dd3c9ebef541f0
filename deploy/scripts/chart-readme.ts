/**
 * Writes the values table of deploy/helm/hawk/README.md, between its markers, from the rows docs/configuration.md is
 * generated from (scripts/gen-configuration-docs.ts: values.schema.json's keys, values.yaml's defaults and
 * comments), so the chart's README and the docs never disagree and neither is edited by hand.
 *
 *   pnpm exec tsx deploy/scripts/chart-readme.ts            rewrite the table
 *   pnpm exec tsx deploy/scripts/chart-readme.ts --check    exit 1 when it is out of date
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { valueRows } from '../../scripts/gen-configuration-docs';

export const CHART_README = join(import.meta.dirname, '..', 'helm', 'hawk', 'README.md');
const BEGIN = '<!-- BEGIN GENERATED values: pnpm exec tsx deploy/scripts/chart-readme.ts writes this table -->';
const END = '<!-- END GENERATED values -->';

const escapePipes = (text: string) => text.replace(/(?<!\\)\|/g, '\\|');

export function valuesTable(): string {
  const lines = valueRows().map(
    (row) => `| \`${row.name}\` | ${row.type} | ${row.default} | ${escapePipes(row.description) || '—'} |`,
  );
  return ['| key | type | default | what it does |', '|---|---|---|---|', ...lines].join('\n');
}

/** The README with its table rewritten from the current values; throws when the markers are missing. */
export function readmeWithTable(current: string): string {
  const from = current.indexOf(BEGIN);
  const to = current.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${CHART_README} lacks the markers ${BEGIN} … ${END}`);
  return `${current.slice(0, from + BEGIN.length)}\n${valuesTable()}\n${current.slice(to)}`;
}

if (process.argv[1] === import.meta.filename) {
  const current = readFileSync(CHART_README, 'utf8');
  const fresh = readmeWithTable(current);
  if (!process.argv.includes('--check')) {
    writeFileSync(CHART_README, fresh);
    console.log(CHART_README);
  } else if (fresh !== current) {
    console.error(`${CHART_README} is out of date: pnpm exec tsx deploy/scripts/chart-readme.ts`);
    process.exitCode = 1;
  }
}
