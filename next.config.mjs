/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm test` type-checks the whole tree with tsc first; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Server-only packages stay external: native addons and client-node's node-only transports.
  serverExternalPackages: [
    '@kubernetes/client-node',
    'better-sqlite3',
    'pg',
    '@node-rs/argon2',
    'pino',
    'ws',
    'rate-limiter-flexible',
  ],
};

// `ANALYZE=true npm run analyze`: treemaps of the client and server bundles under .next/analyze/.
// @next/bundle-analyzer is a webpack plugin (Turbopack builds ignore it), hence `next build --webpack`
// in that script; imported only then, because the image installs without dev dependencies.
const withBundleAnalyzer =
  process.env.ANALYZE === 'true'
    ? (await import('@next/bundle-analyzer')).default({ enabled: true, openAnalyzer: false })
    : (config) => config;

export default withBundleAnalyzer(nextConfig);
