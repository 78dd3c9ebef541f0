/**
 * The backend's production build: one ES module (dist/server.js) that plain `node` runs, no TypeScript
 * loader at run time.
 *
 * esbuild, not tsc: the sources use extensionless relative imports (moduleResolution Bundler), which
 * Node's ESM loader cannot resolve from tsc's one-file-per-source output (ERR_MODULE_NOT_FOUND), and
 * @hawk/core ships TypeScript only. Everything is bundled, npm dependencies included: measured against
 * the lab (1 cluster / 10), RSS was 310 MiB under tsx, 237 / 252 MiB with the workspace bundled and
 * node_modules loaded at run time, and 173 / 198 MiB fully bundled, which also starts fastest, and the
 * image then needs no node_modules at all. No dependency is native (history uses node:sqlite); a package
 * that ever is belongs in `external` and in the image's node_modules.
 */
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const app = join(import.meta.dirname, '..');

const started = performance.now();
await build({
  entryPoints: [join(app, 'src/server.ts')],
  outfile: join(app, 'dist/server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // CommonJS dependencies inside an ES module still call require() and read __dirname / __filename.
  banner: {
    js: [
      "import { createRequire as hawkCreateRequire } from 'node:module';",
      "import { fileURLToPath as hawkFileURLToPath } from 'node:url';",
      'const require = hawkCreateRequire(import.meta.url);',
      'const __filename = hawkFileURLToPath(import.meta.url);',
      "const __dirname = hawkFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  // Optional peers some dependencies try to load and fall back without (socket.io's ws, pg, prom-client).
  external: ['bufferutil', 'utf-8-validate', 'pg-native'],
  // Whitespace and comments out, names kept (stack traces still name functions): the source V8 holds in
  // memory is 4 MB instead of 8.5 MB, and ASCII only (library comments with '—' made it two bytes a char).
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  charset: 'ascii',
  // No source map: Node's --enable-source-maps decodes the whole map and took the backend from 173 to
  // 632 MiB here. The bundle is not minified and marks each source file, so stack traces stay readable.
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// dist/ is copied alone into the image: its own package.json makes server.js an ES module there too.
writeFileSync(join(app, 'dist/package.json'), '{ "type": "module" }\n');
console.log(`[build] apps/server/dist/server.js in ${Math.round(performance.now() - started)} ms`);
