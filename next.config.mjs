/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages stay external: native addons and client-node's node-only transports.
  serverExternalPackages: ['@kubernetes/client-node', 'better-sqlite3', 'pg', '@node-rs/argon2', 'pino', 'ws'],
};

export default nextConfig;
