/**
 * Runs after `next build`: makes the standalone output complete and runnable with plain `node`.
 * Next leaves the static assets (and public/, when there is one) out of `standalone/` for a CDN to
 * serve; hawk serves them itself, so they are copied in. Then hawk's own entry point (server/hawk-web.ts,
 * the one-origin proxy) is bundled beside Next's server.js as hawk-web.mjs.
 * Run it as `node <distDir>/standalone/apps/web/hawk-web.mjs`.
 */
import { build } from 'esbuild';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const web = join(import.meta.dirname, '..');
const distDir = process.env.HAWK_WEB_DIST_DIR || '.next';
// Next keeps the workspace layout inside standalone/ (the tracing root is the repository).
const standaloneWeb = join(web, distDir, 'standalone', 'apps', 'web');
if (!existsSync(join(standaloneWeb, 'server.js')))
  throw new Error(`${standaloneWeb}/server.js is missing: run next build (output: standalone) first`);

rmSync(join(standaloneWeb, distDir, 'static'), { recursive: true, force: true });
cpSync(join(web, distDir, 'static'), join(standaloneWeb, distDir, 'static'), { recursive: true });
if (existsSync(join(web, 'public'))) cpSync(join(web, 'public'), join(standaloneWeb, 'public'), { recursive: true });

await build({
  entryPoints: [join(web, 'server', 'hawk-web.ts')],
  outfile: join(standaloneWeb, 'hawk-web.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // The proxy library is CommonJS and requires Node's built-ins: give the ES module a require().
  banner: {
    js:
      "import { createRequire as hawkCreateRequire } from 'node:module'; const require = " +
      'hawkCreateRequire(import.meta.url);',
  },
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`[finish-build] ${standaloneWeb}/hawk-web.mjs`);
