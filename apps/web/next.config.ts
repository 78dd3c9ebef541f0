import type { NextConfig } from 'next';

const config: NextConfig = {
  // @hawk/core ships TypeScript sources, not a build.
  transpilePackages: ['@hawk/core'],
  // A self-contained server for the image and `scripts/hawk start`; scripts/finish-build.ts adds the static
  // files and hawk's one-origin proxy (server/hawk-web.ts) to it. No backend address is baked in here.
  output: 'standalone',
  // The e2e tests build into their own directory so they never overwrite (or race) a developer's .next.
  distDir: process.env.HAWK_WEB_DIST_DIR || '.next',
  // *.dev.tsx pages (fixture views for layout work) exist under `next dev` only, never in a build.
  pageExtensions: process.env.NODE_ENV === 'development' ? ['dev.tsx', 'tsx', 'ts'] : ['tsx', 'ts'],
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
