import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTE_TEMPLATES, UNMATCHED_ROUTE, createRouteMatcher } from './route-templates';

const appDir = path.resolve(import.meta.dirname, '../../app');

/** Next's URL of every page.tsx / route.ts under app/ (route groups like `(app)` are not URL segments). */
function routesOnDisk(dir = appDir, prefix: string[] = []): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const seg = /^\(.*\)$/.test(entry.name) ? [] : [entry.name];
      out.push(...routesOnDisk(path.join(dir, entry.name), [...prefix, ...seg]));
    } else if (/^(page\.tsx|route\.ts)$/.test(entry.name)) {
      out.push(`/${prefix.join('/')}`);
    }
  }
  return out;
}

describe('route templates', () => {
  it('lists exactly the pages and route handlers under app/ (plus the WebSocket endpoint)', () => {
    const onDisk = new Set([...routesOnDisk(), '/api/v1/ws/nodes']);
    expect([...ROUTE_TEMPLATES].sort()).toEqual([...onDisk].sort());
  });

  const match = createRouteMatcher();

  it.each([
    ['/', '/'],
    ['/clusters/prod-eu/nodes/ip-10-0-0-1.ec2.internal', '/clusters/[cluster]/nodes/[node]'],
    ['/api/v1/clusters/a/nodes', '/api/v1/clusters/[cluster]/nodes'],
    ['/api/v1/clusters/nodes/nodes', '/api/v1/clusters/[cluster]/nodes'],
    ['/api/v1/clusters/a/nodes/n1/labels', '/api/v1/clusters/[cluster]/nodes/[node]/labels'],
    ['/api/v1/operations/abc/cancel', '/api/v1/operations/[id]/cancel'],
    ['/api/auth/callback/credentials', '/api/auth/[...nextauth]'],
    ['/api/auth/session', '/api/auth/[...nextauth]'],
    ['/api/v1/openapi.json', '/api/v1/openapi.json'],
    ['/_next/static/chunks/app.js', '/_next/static'],
    ['/_next/image', '/_next'],
    ['/wp-admin/login.php', UNMATCHED_ROUTE],
    ['/api/v1/clusters/a/nodes/n1/labels/extra', UNMATCHED_ROUTE],
    ['/api/auth', UNMATCHED_ROUTE],
  ])('%s → %s', (pathname, template) => {
    expect(match(pathname)).toBe(template);
  });

  it('never labels with anything but a template or a fixed bucket (bounded cardinality)', () => {
    const allowed = new Set<string>([...ROUTE_TEMPLATES, UNMATCHED_ROUTE, '/_next', '/_next/static']);
    for (let i = 0; i < 500; i++) {
      const random = `/${Array.from({ length: 1 + (i % 6) }, (_, k) => `s${i}x${k}`).join('/')}`;
      expect(allowed.has(match(random))).toBe(true);
      expect(allowed.has(match(`/api/v1/clusters/c${i}/nodes/n${i}`))).toBe(true);
    }
  });
});
