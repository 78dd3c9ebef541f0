/**
 * The backend's production build: one ES module (dist/server.js) that plain `node` runs, no TypeScript
 * loader at run time. esbuild rather than tsc: the sources use extensionless relative imports
 * (moduleResolution Bundler), which Node's ESM loader cannot resolve from tsc's one-to-one output, and
 * @hawk/core ships TypeScript only. So the workspace code (server + core) is bundled, and every npm
 * dependency stays external, loaded from node_modules as usual (native or CJS packages need no shims).
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const app = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
// Workspace packages are sources to compile in; everything else is a package to load at run time.
const external = Object.entries(manifest.dependencies ?? {})
  .filter(([, range]) => !range.startsWith('workspace:'))
  .flatMap(([name]) => [name, `${name}/*`]);

const started = performance.now();
await build({
  entryPoints: [join(app, 'src/server.ts')],
  outfile: join(app, 'dist/server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  external,
  sourcemap: true,
  // Stack traces then name the .ts lines (node --enable-source-maps in the image and `scripts/hawk start`).
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`[build] apps/server/dist/server.js in ${Math.round(performance.now() - started)} ms`);
