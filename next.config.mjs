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

export default nextConfig;
