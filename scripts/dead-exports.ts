/**
 * `pnpm lint` runs this: it lists exported symbols that no other module imports, so dead code cannot
 * hide behind an `export`. One TypeScript program over every tracked .ts/.tsx file; an import, a
 * re-export or `import * as` from another file counts as a use (through barrels: `export *` is
 * followed to the declaration). Entry points that frameworks and tools load by name are allowed below.
 * Usage: tsx scripts/dead-exports.ts   (exit 1 and a list when something is dead)
 */
import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(import.meta.dirname, '..');

/** Modules loaded by a framework or a tool by their file name, not imported: all their exports are live. */
const ENTRY_POINTS: readonly RegExp[] = [
  /(^|\/)(vitest|vite|next|playwright|eslint)\.[^/]*config\.[cm]?ts$/,
  /(^|\/)vitest\.[^/]+\.ts$/,
  // Next.js routes, also those only built in development (pageExtensions `dev.tsx`).
  /^apps\/web\/src\/app\/(.*\/)?(page|layout|route|not-found|error|loading)(\.dev)?\.tsx?$/,
  // vitest's globalSetup (vitest.config.ts names it).
  /^packages\/lab\/src\/testing\/global-setup\.ts$/,
  /\.d\.ts$/,
];

/** Exported on purpose without an importer in the repository; each says why. */
const ALLOWED: Readonly<Record<string, string>> = {};

function trackedSources(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((path) => path !== '' && !path.startsWith('bench/results/') && !path.includes('/node_modules/'))
    .map((path) => join(ROOT, path));
}

const files = trackedSources();
const program = ts.createProgram(files, {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  allowImportingTsExtensions: true,
  resolveJsonModule: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
});
const checker = program.getTypeChecker();
const ours = new Set(files);

/** The declaration a symbol stands for, through import and re-export aliases. */
const original = (symbol: ts.Symbol): ts.Symbol =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

const used = new Set<ts.Symbol>();
/** Symbols named somewhere other than their own declaration: in use, if only in their own module. */
const referenced = new Set<ts.Symbol>();
/** Modules imported whole (`import * as`, `import()`, `export * as`): every export counts as used. */
const usedWhole = new Set<string>();

const moduleFileOf = (specifier: ts.Expression): string | undefined => {
  const symbol = checker.getSymbolAtLocation(specifier);
  return symbol?.valueDeclaration && ts.isSourceFile(symbol.valueDeclaration)
    ? symbol.valueDeclaration.fileName
    : symbol?.declarations?.find(ts.isSourceFile)?.fileName;
};

const isDeclarationName = (node: ts.Identifier): boolean =>
  !!node.parent && 'name' in node.parent && (node.parent as { name?: ts.Node }).name === node;

for (const source of program.getSourceFiles()) {
  if (!ours.has(source.fileName)) continue;
  const visit = (node: ts.Node): void => {
    if (ts.isImportSpecifier(node) || ts.isExportSpecifier(node) || ts.isImportClause(node)) {
      const name = ts.isImportClause(node) ? node.name : node.name;
      const symbol = name && checker.getSymbolAtLocation(name);
      // An export specifier without a module re-exports a local: that is a declaration, not a use.
      const reExport = ts.isExportSpecifier(node) && !node.parent.parent.moduleSpecifier;
      if (symbol && !reExport) used.add(original(symbol));
    } else if (ts.isNamespaceImport(node) || ts.isNamespaceExport(node)) {
      const declaration = node.parent.parent as ts.ImportDeclaration | ts.ExportDeclaration;
      const file = declaration.moduleSpecifier && moduleFileOf(declaration.moduleSpecifier);
      if (file) usedWhole.add(file);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const file = node.arguments[0] && moduleFileOf(node.arguments[0]);
      if (file) usedWhole.add(file);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const file = moduleFileOf(node.argument.literal);
      if (file) usedWhole.add(file);
    } else if (ts.isIdentifier(node) && !isDeclarationName(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      if (symbol) referenced.add(original(symbol));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const dead: string[] = [];
/** Exported, used only inside their own module: the export itself is dead, the code is not. */
const exportedNeedlessly: string[] = [];
for (const source of program.getSourceFiles()) {
  const path = relative(ROOT, source.fileName);
  if (!ours.has(source.fileName) || usedWhole.has(source.fileName)) continue;
  if (ENTRY_POINTS.some((pattern) => pattern.test(path))) continue;
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (!moduleSymbol) continue;
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const declaration = exported.declarations?.[0];
    // Re-exports (`export * from`, `export { x } from`) are judged where they are declared.
    if (!declaration || declaration.getSourceFile() !== source) continue;
    const key = `${path}:${exported.name}`;
    if (used.has(original(exported)) || key in ALLOWED) continue;
    const { line } = source.getLineAndCharacterOfPosition(declaration.getStart());
    (referenced.has(original(exported)) ? exportedNeedlessly : dead).push(`${path}:${line + 1}  ${exported.name}`);
  }
}

// Exported but used only at home is a smell, not dead code: counted, listed with --verbose, not failed.
if (exportedNeedlessly.length > 0) {
  console.log(`${exportedNeedlessly.length} export(s) used only inside their own module (--verbose lists them)`);
  if (process.argv.includes('--verbose')) for (const entry of exportedNeedlessly) console.log(`  ${entry}`);
}
if (dead.length > 0) {
  console.error(`${dead.length} exported symbol(s) used nowhere (delete them, or allow in scripts/dead-exports.ts):`);
  for (const entry of dead) console.error(`  ${entry}`);
  process.exitCode = 1;
} else {
  console.log(`dead exports: none in ${ours.size} files`);
}
