// First-load JS per app route, from a finished `next build`: Next 16's Turbopack build no longer prints
// the "First Load JS" column, so this sums what a first visit downloads: the root main files (runtime,
// React, Next's client) and every chunk the route's layouts and page enter with, from the route's
// client reference manifest. Usage: node scripts/first-load-js.mjs [.next dir] [--json]
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const args = process.argv.slice(2);
const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? '.next');
const json = args.includes('--json');
const build = JSON.parse(fs.readFileSync(path.join(dir, 'build-manifest.json'), 'utf8'));

function manifests(root) {
  const out = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) out.push(...manifests(p));
    else if (e.name === 'page_client-reference-manifest.js') out.push(p);
  }
  return out;
}

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const buf = fs.readFileSync(path.join(dir, file));
    sizes.set(file, { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
  }
  return sizes.get(file);
}

const sum = (files) =>
  [...files].reduce((a, f) => ({ raw: a.raw + size(f).raw, gzip: a.gzip + size(f).gzip }), {
    raw: 0,
    gzip: 0,
  });

const shared = new Set(build.rootMainFiles);
const rows = [];
for (const file of manifests(path.join(dir, 'server', 'app'))) {
  const sandbox = {};
  new Function('globalThis', fs.readFileSync(file, 'utf8'))(sandbox);
  for (const [entry, m] of Object.entries(sandbox.__RSC_MANIFEST)) {
    // webpack manifests (`next build --webpack`, as `npm run analyze` makes) list no entry files
    if (!m.entryJSFiles) {
      console.error(`${file}: no entryJSFiles; this reads Turbopack builds (npm run build) only`);
      process.exit(2);
    }
    const route = entry.replace(/\/page$/, '').replace(/\/\([^)]+\)/g, '') || '/';
    if (route.startsWith('/_')) continue;
    const files = new Set(shared);
    for (const list of Object.values(m.entryJSFiles ?? {})) for (const f of list) files.add(f);
    rows.push({ route, files: files.size, ...sum(files) });
  }
}
rows.sort((a, b) => a.route.localeCompare(b.route));
const base = sum(shared);
if (json) console.log(JSON.stringify({ shared: base, routes: rows }, null, 2));
else {
  const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
  console.log(`shared by all (root main files): ${kb(base.raw)} raw, ${kb(base.gzip)} gzip`);
  for (const r of rows)
    console.log(
      `${r.route.padEnd(36)} ${kb(r.raw).padStart(10)} raw ${kb(r.gzip).padStart(10)} gzip  (${r.files} files)`,
    );
}
