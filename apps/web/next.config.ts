import type { NextConfig } from 'next';

const config: NextConfig = {
  // @hawk/core ships TypeScript sources, not a build.
  transpilePackages: ['@hawk/core'],
  output: 'standalone',
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
