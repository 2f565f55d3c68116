import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCESS_REQUIREMENTS } from '@/lib/auth/permissions';
import type { RouteSpec } from '@/lib/http/handler';
import { routeKey, routeTable } from './routes';

const root = path.resolve(import.meta.dirname, '../..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** app/api/v1/clusters/[cluster]/route.ts → /api/v1/clusters/{cluster} */
function routeFiles(dir = path.join(root, 'app/api')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return e.name === 'route.ts' ? [p] : [];
  });
}
const urlPath = (file: string) =>
  `/${path.relative(path.join(root, 'app'), path.dirname(file))}`
    .split(path.sep)
    .join('/')
    .replace(/\[(?:\.\.\.)?(\w+)\]/g, '{$1}');

async function handlers(): Promise<Map<string, { spec?: RouteSpec }>> {
  const out = new Map<string, { spec?: RouteSpec }>();
  for (const file of routeFiles()) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const m of METHODS) {
      const h = mod[m] as { spec?: RouteSpec } | undefined;
      if (h) out.set(`${m} ${urlPath(file)}`, h);
    }
  }
  return out;
}

describe('the route table', () => {
  it('has exactly one row per route handler, and no row without one', async () => {
    const served = [...(await handlers()).keys()].sort();
    const declared = routeTable.filter((r) => !r.upgrade).map(routeKey);
    expect(new Set(declared).size).toBe(declared.length);
    expect(served).toEqual([...declared].sort());
  }, 60_000);

  it("states each handler's role and token scope exactly as the handler enforces them", async () => {
    const byKey = new Map(routeTable.map((r) => [routeKey(r), r]));
    for (const [key, h] of await handlers()) {
      const row = byKey.get(key)!;
      const auth = h.spec?.auth ?? 'public';
      const want = auth === 'public' ? { role: 'public', scope: null } : { ...ACCESS_REQUIREMENTS[auth] };
      expect({ role: row.role, scope: row.scope }, key).toEqual(want);
      expect(Boolean(h.spec?.sessionOnly), `${key} sessionOnly`).toBe(Boolean(row.sessionOnly));
    }
  }, 60_000);

  it('no route that changes anything accepts a read-scoped token', async () => {
    const offenders = routeTable.filter(
      (r) => r.method !== 'get' && r.role !== 'public' && r.scope !== 'write',
    );
    expect(offenders.map(routeKey)).toEqual([]);
    for (const [key, h] of await handlers()) {
      if (key.startsWith('GET ') || !h.spec || h.spec.auth === 'public') continue;
      expect(ACCESS_REQUIREMENTS[h.spec.auth].scope, key).toBe('write');
    }
  }, 60_000);

  it('only the push streams take a token from the URL', async () => {
    const withQueryToken = [...(await handlers())].filter(([, h]) => h.spec?.queryToken).map(([k]) => k);
    expect(withQueryToken).toEqual(['GET /api/v1/sse/nodes']);
  }, 60_000);
});
