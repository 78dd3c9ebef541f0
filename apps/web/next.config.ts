import type { NextConfig } from 'next';

const config: NextConfig = {
  // @hawk/core ships TypeScript sources, not a build.
  transpilePackages: ['@hawk/core'],
  output: 'standalone',
  // The e2e tests build into their own directory so they never overwrite (or race) a developer's .next.
  distDir: process.env.HAWK_WEB_DIST_DIR || '.next',
  // *.dev.tsx pages (fixture views for layout work) exist under `next dev` only, never in a build.
  pageExtensions: process.env.NODE_ENV === 'development' ? ['dev.tsx', 'tsx', 'ts'] : ['tsx', 'ts'],
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
