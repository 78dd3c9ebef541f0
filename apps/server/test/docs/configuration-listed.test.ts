import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../src/env';
import { REPO_ROOT } from './markdown';

interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** Every key of the values schema down to its leaves (`image.server.tag`), as the generator lists them. */
function leafKeys(node: SchemaNode, path: readonly string[] = []): string[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    child.properties === undefined ? [[...path, key].join('.')] : leafKeys(child, [...path, key]),
  );
}

// The fast lane's half of the configuration check (configuration-docs.test.ts runs the generator itself): every
// variable env.ts declares and every key of the chart's values schema has a described row in docs/configuration.md.
describe('docs/configuration.md lists', () => {
  const page = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  const rows = new Map(
    [...page.matchAll(/^\| `([^`]+)` \|.*\| ([^|]*) \|$/gm)].map((match) => [match[1]!, match[2]!.trim()] as const),
  );

  it('every environment variable the backend reads', () => {
    const variables = Object.keys(EnvSchema.properties);
    expect(variables.length).toBeGreaterThan(20);
    expect(variables.filter((variable) => !rows.has(variable)), 'run pnpm docs:config').toEqual([]);
  });

  it('every key of the chart values schema', () => {
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'deploy', 'helm', 'hawk', 'values.schema.json'), 'utf8'),
    ) as SchemaNode;
    const keys = leafKeys(schema);
    expect(keys.length).toBeGreaterThan(50);
    expect(keys.filter((key) => !rows.has(key)), 'run pnpm docs:config').toEqual([]);
  });

  it('each with a description', () => {
    expect([...rows].filter(([, description]) => description === '' || description === '**undocumented**')).toEqual(
      [],
    );
  });
});
