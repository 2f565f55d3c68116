// Builds the custom server and the admin command to plain JavaScript in dist/, so production runs
// `node dist/server.js` (no TypeScript loader). Next's own build (.next/) is separate: `next build`.
// Packages stay external (node_modules at run time): native addons and Next must not be bundled.
import { build } from 'esbuild';

await build({
  entryPoints: { server: 'server.ts', admin: 'lib/ops/cli.ts' },
  outdir: 'dist',
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
});
