/**
 * Writes the generated tables of docs/configuration.md from the two places configuration is declared: the backend's
 * environment schema (apps/server/src/env.ts) and the chart's values (deploy/helm/hawk/values.schema.json, with
 * defaults and comments from values.yaml). Nothing here lists a variable or a key: a new one appears by itself, and
 * one without a description is reported (apps/server/test/docs/configuration-docs.test.ts fails on it).
 *
 *   pnpm docs:config            rewrite docs/configuration.md
 *   pnpm docs:config --check    exit 1 when it is out of date or something is undocumented
 *   --page <file>               another copy of the page (the test checks that a stale copy is caught)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { isMap, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { EnvSchema } from '@hawk/server/env';

const REPO_ROOT = join(import.meta.dirname, '..');
const CONFIGURATION_DOC = join(REPO_ROOT, 'docs', 'configuration.md');
const ENV_MODULE = join(REPO_ROOT, 'apps', 'server', 'src', 'env.ts');
const VALUES_SCHEMA = join(REPO_ROOT, 'deploy', 'helm', 'hawk', 'values.schema.json');
const VALUES_YAML = join(REPO_ROOT, 'deploy', 'helm', 'hawk', 'values.yaml');

interface ConfigRow {
  readonly name: string;
  readonly type: string;
  readonly default: string;
  /** Empty when neither the schema nor its source says what the setting does. */
  readonly description: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The environment: types and defaults from the TypeBox schema as it runs, descriptions from the doc comments of
// EnvSchema's properties in env.ts (the schema's `description` when there is none).

interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
}

interface EnvSource {
  readonly comment: string;
  /** The source text of a default computed at start (e.g. from the host name), shown as code, not as a value. */
  readonly computedDefault: string | null;
}

function envSources(): Map<string, EnvSource> {
  const file = ts.createSourceFile(ENV_MODULE, readFileSync(ENV_MODULE, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = new Map<string, EnvSource>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText(file) === 'EnvSchema' && node.initializer) {
      const call = node.initializer;
      const object = ts.isCallExpression(call) ? call.arguments[0] : undefined;
      if (!object || !ts.isObjectLiteralExpression(object))
        throw new Error('env.ts: EnvSchema is not Type.Object({…})');
      for (const property of object.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const comment = ts
          .getJSDocCommentsAndTags(property)
          .filter(ts.isJSDoc)
          .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
          .join(' ');
        found.set(property.name.getText(file), {
          comment: oneLine(comment),
          computedDefault: computedDefault(property.initializer, file),
        });
      }
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** A `default:` written as a template or a call is worked out on the machine hawk runs on: show how, not a value. */
function computedDefault(initializer: ts.Node, file: ts.SourceFile): string | null {
  let computed: string | null = null;
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && node.name.getText(file) === 'default') {
      const value = node.initializer;
      if (ts.isTemplateExpression(value) || ts.isCallExpression(value))
        computed = value.getText(file).replace(/^`|`$/g, '');
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(initializer);
  return computed;
}

function envType(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map((option) => JSON.stringify(option.const)).join(' \\| ');
  const type = String(schema.type ?? 'string');
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  return bounds.length > 0 ? `${type} (${bounds.join(', ')})` : type;
}

function envRows(): ConfigRow[] {
  const sources = envSources();
  const schema = EnvSchema as unknown as JsonSchema;
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const source = sources.get(name);
    const computed = source?.computedDefault;
    const shownDefault = computed
      ? `computed: \`${computed}\``
      : property.default === undefined
        ? '—'
        : code(property.default);
    return {
      name,
      type: envType(property),
      default: shownDefault,
      description: source?.comment || oneLine(property.description ?? ''),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The chart: every key values.schema.json declares, down to its leaves; defaults from values.yaml; descriptions from
// the schema's `description`, else from the comments of values.yaml, read as they are written there: a comment
// above a key (or inline after it) describes it and the keys after it up to a blank line, and the keys under it.

interface YamlNote {
  /** The key's own description: its comment, or the one its group or its parent gives it. */
  readonly text: string;
  /** The key whose comment it is, when not its own. */
  readonly from: string | null;
}

function commentOf(pair: Pair, parent: YAMLMap, index: number, isDocumentStart: boolean): string {
  const key = pair.key as { commentBefore?: string | null };
  let before = key.commentBefore ?? '';
  // The file's header is glued to its first key's comment, after a blank line.
  if (isDocumentStart && before.includes('\n\n')) before = before.slice(before.lastIndexOf('\n\n') + 2);
  // A comment right under `parent:` is held by the map, and describes its first key.
  if (!before && index === 0) before = parent.commentBefore ?? '';
  const inline = (pair.value as { comment?: string | null } | null)?.comment ?? '';
  return oneLine([before, inline].filter(Boolean).join(' '));
}

function yamlNotes(document: Document): Map<string, YamlNote> {
  const notes = new Map<string, YamlNote>();
  const walk = (map: YAMLMap, path: string, parentNote: YamlNote | null): void => {
    let group: YamlNote | null = null;
    map.items.forEach((item, index) => {
      const pair = item as Pair;
      if (!isScalar(pair.key)) return;
      const name = path ? `${path}.${String(pair.key.value)}` : String(pair.key.value);
      const own = commentOf(pair, map, index, path === '' && index === 0);
      const blankBefore = Boolean((pair.key as { spaceBefore?: boolean }).spaceBefore);
      if (own) group = { text: own, from: name };
      else if (blankBefore || index === 0) group = null;
      const inherited = group ?? (parentNote ? { text: parentNote.text, from: parentNote.from } : null);
      const note = own ? { text: own, from: null } : inherited;
      if (note) notes.set(name, note);
      if (isMap(pair.value)) walk(pair.value, name, own ? { text: own, from: name } : inherited);
    });
  };
  if (isMap(document.contents)) walk(document.contents, '', null);
  return notes;
}

function valueType(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((option) => JSON.stringify(option)).join(' \\| ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const shown = types.map((type) =>
    type === 'array' && schema.items ? `array of ${valueType(schema.items)}` : String(type),
  );
  if (shown.length === 0 && schema.anyOf) return schema.anyOf.map(valueType).join(' \\| ');
  const type = shown.join(' \\| ') || 'any';
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  return bounds.length > 0 ? `${type} (${bounds.join(', ')})` : type;
}

export function valueRows(): ConfigRow[] {
  const schema = JSON.parse(readFileSync(VALUES_SCHEMA, 'utf8')) as JsonSchema;
  const document = parseDocument(readFileSync(VALUES_YAML, 'utf8'));
  const notes = yamlNotes(document);
  const rows: ConfigRow[] = [];
  // A key the schema allows but values.yaml leaves out is described by its nearest described parent.
  const walk = (node: JsonSchema, path: string[], parentFrom: string | null): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const name = [...path, key].join('.');
      const note = notes.get(name) ?? (parentFrom ? { text: '', from: parentFrom } : undefined);
      const ownDescription = oneLine(child.description ?? '') || (note && note.from === null ? note.text : '');
      const isLeaf = child.properties === undefined;
      // An object gets a row of its own only to carry the description its keys point to.
      if (isLeaf || ownDescription) {
        const value = document.getIn([...path, key]);
        const shownDefault = value === undefined ? '—' : code(toPlain(value));
        const description = ownDescription || (note?.from ? `See \`${note.from}\`.` : '');
        rows.push({
          name,
          type: isLeaf ? valueType(child) : 'object',
          default: isLeaf ? shownDefault : '—',
          description,
        });
      }
      if (!isLeaf) walk(child, [...path, key], ownDescription ? name : (note?.from ?? null));
    }
  };
  walk(schema, [], null);
  return rows;
}

function toPlain(value: unknown): unknown {
  return value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value;
}

// ---------------------------------------------------------------------------------------------------------------
// The page: the hand-written text of docs/configuration.md stays; only what lies between the markers is rewritten.

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value).replace(/\|/g, '\\|')}\``;
}

/** A pipe in a description would end its table cell. */
function cell(text: string): string {
  return text.replace(/(?<!\\)\|/g, '\\|');
}

function table(rows: readonly ConfigRow[]): string {
  const lines = rows.map(
    (row) => `| \`${row.name}\` | ${row.type} | ${row.default} | ${cell(row.description) || '**undocumented**'} |`,
  );
  return ['| name | type | default | what it does |', '|---|---|---|---|', ...lines].join('\n');
}

const SECTIONS = { env: envRows, values: valueRows } as const;

function markers(section: string): readonly [string, string] {
  return [
    `<!-- BEGIN GENERATED ${section}: pnpm docs:config writes this table -->`,
    `<!-- END GENERATED ${section} -->`,
  ];
}

/** The page with each generated table rewritten from the current sources. */
function renderConfigurationDoc(page: string): string {
  let rendered = page;
  for (const [section, rows] of Object.entries(SECTIONS)) {
    const [begin, end] = markers(section);
    const from = rendered.indexOf(begin);
    const to = rendered.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/configuration.md: the markers of "${section}" are missing`);
    rendered = `${rendered.slice(0, from + begin.length)}\n${table(rows())}\n${rendered.slice(to)}`;
  }
  return rendered;
}

/** Every setting without a description, as `env NAME` or `values key`. */
function undocumented(): string[] {
  return Object.entries(SECTIONS).flatMap(([section, rows]) =>
    rows()
      .filter((row) => !row.description)
      .map((row) => `${section} ${row.name}`),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pageArgument = process.argv.indexOf('--page');
  const pageFile = pageArgument > 0 ? process.argv[pageArgument + 1]! : CONFIGURATION_DOC;
  const page = readFileSync(pageFile, 'utf8');
  const rendered = renderConfigurationDoc(page);
  const missing = undocumented();
  if (process.argv.includes('--check')) {
    if (rendered !== page) console.error(`${pageFile} is out of date: run pnpm docs:config`);
    if (missing.length > 0) console.error(`undocumented: ${missing.join(', ')}`);
    process.exit(rendered === page && missing.length === 0 ? 0 : 1);
  }
  writeFileSync(pageFile, rendered);
  console.log(`docs/configuration.md written${missing.length > 0 ? `; undocumented: ${missing.join(', ')}` : ''}`);
}
