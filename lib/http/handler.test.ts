import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Principal } from '@/lib/auth/types';
import { clearAppContext, setAppContext, type AppContext } from '@/lib/server/app-context';
import { ApiError, apiRoute, assertClusterAccess, notFound } from './handler';

const principals: Record<string, Principal> = {
  viewer: { userId: 'v', username: 'v', role: 'viewer', via: 'session', scope: 'write', clusters: ['a'] },
  operator: { userId: 'o', username: 'o', role: 'operator', via: 'session', scope: 'write', clusters: ['a'] },
  admin: { userId: 'ad', username: 'ad', role: 'admin', via: 'session', scope: 'write', clusters: 'all' },
  readtoken: {
    userId: 'ad',
    username: 'ad',
    role: 'admin',
    via: 'token',
    scope: 'read',
    clusters: 'all',
    tokenId: 't',
  },
  disabled: {
    userId: 'x',
    username: 'x',
    role: 'admin',
    via: 'token',
    scope: 'write',
    clusters: 'all',
    tokenId: 'gone',
  },
};
const errors: unknown[] = [];

beforeEach(() => {
  errors.length = 0;
  setAppContext({
    config: { publicOrigins: ['http://localhost:3000'] },
    logger: { error: (o: unknown) => errors.push(o) },
    shuttingDown: false,
    auth: {
      authenticate: (req: Request) =>
        Promise.resolve(principals[req.headers.get('x-test-user') ?? ''] ?? null),
      stillValid: (p: Principal) => Promise.resolve(p.tokenId !== 'gone'),
    },
  } as unknown as AppContext);
});
afterEach(() => clearAppContext());

function call(
  route: ReturnType<typeof apiRoute>,
  opts: {
    user?: string;
    method?: string;
    url?: string;
    body?: string;
    headers?: Record<string, string>;
    params?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.user) headers['x-test-user'] = opts.user;
  const req = new Request(opts.url ?? 'http://localhost:3000/api/x', {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body,
  });
  return route(req, { params: Promise.resolve(opts.params ?? {}) });
}

const readRoute = apiRoute({ auth: 'read' }, ({ principal }) => ({ hello: principal.username }));
const writeRoute = apiRoute(
  {
    auth: 'write',
    body: z.object({ reason: z.string().min(3), count: z.number().int().optional() }),
    maxBodyBytes: 100,
  },
  ({ body }) => ({ got: body.reason }),
);

describe('apiRoute', () => {
  it('401 without a principal, with the JSON error shape', async () => {
    const res = await call(readRoute);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'Authentication required' } });
  });

  it('401 when the principal is no longer valid', async () => {
    expect((await call(readRoute, { user: 'disabled' })).status).toBe(401);
  });

  it('enforces role and token scope', async () => {
    expect((await call(readRoute, { user: 'viewer' })).status).toBe(200);
    const post = {
      method: 'POST',
      body: '{"reason":"abc"}',
      headers: { origin: 'http://localhost:3000', 'content-type': 'application/json' },
    };
    const denied = await call(writeRoute, { user: 'viewer', ...post });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { message: string } }).error.message).toMatch(/role 'viewer'/);
    expect((await call(writeRoute, { user: 'operator', ...post })).status).toBe(200);
    expect((await call(writeRoute, { user: 'readtoken', ...post })).status).toBe(403);
  });

  it('refuses cookie mutations from a foreign or missing Origin (CSRF), accepts Referer fallback', async () => {
    const body = '{"reason":"abc"}';
    const evil = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body,
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
    expect(((await evil.json()) as { error: { code: string } }).error.code).toBe('csrf');
    expect((await call(writeRoute, { user: 'operator', method: 'POST', body })).status).toBe(403);
    const ref = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body,
      headers: { referer: 'http://localhost:3000/nodes' },
    });
    expect(ref.status).toBe(200);
  });

  it('400 naming the field, malformed JSON, 413 too large, 415 wrong type', async () => {
    const h = { origin: 'http://localhost:3000' };
    const bad = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body: '{"reason":"x","count":1.5}',
      headers: h,
    });
    expect(bad.status).toBe(400);
    const j = (await bad.json()) as { error: { message: string; details: { issues: unknown[] } } };
    expect(j.error.message).toMatch(/^body\.reason: /);
    expect(j.error.details.issues).toHaveLength(2);
    const malformed = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body: '{"reason":',
      headers: h,
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const big = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body: JSON.stringify({ reason: 'x'.repeat(200) }),
      headers: h,
    });
    expect(big.status).toBe(413);
    const text = await call(writeRoute, {
      user: 'operator',
      method: 'POST',
      body: 'reason=abc',
      headers: { ...h, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).toBe(415);
    const missing = await call(writeRoute, { user: 'operator', method: 'POST', headers: h });
    expect(missing.status).toBe(400);
  });

  it('parses params and query', async () => {
    const route = apiRoute(
      {
        auth: 'read',
        params: z.object({ cluster: z.string().min(1) }),
        query: z.object({ limit: z.coerce.number().int().max(10).default(5) }),
      },
      ({ params, query }) => ({ cluster: params.cluster, limit: query.limit }),
    );
    const ok = await call(route, {
      user: 'viewer',
      params: { cluster: 'a' },
      url: 'http://localhost:3000/x?limit=7',
    });
    expect(await ok.json()).toEqual({ cluster: 'a', limit: 7 });
    const bad = await call(route, {
      user: 'viewer',
      params: { cluster: 'a' },
      url: 'http://localhost:3000/x?limit=70',
    });
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^query\.limit: /);
  });

  it('maps ApiError, duck-typed domain errors, and hides unexpected errors', async () => {
    const nf = apiRoute({ auth: 'read' }, () => {
      throw notFound('node x');
    });
    expect((await call(nf, { user: 'viewer' })).status).toBe(404);
    const domain = apiRoute({ auth: 'read' }, () => {
      throw Object.assign(new Error('cluster unreachable'), { httpStatus: 422, code: 'unreachable' });
    });
    const d = await call(domain, { user: 'viewer' });
    expect(d.status).toBe(422);
    expect(await d.json()).toEqual({ error: { code: 'unreachable', message: 'cluster unreachable' } });
    const boom = apiRoute({ auth: 'read' }, () => {
      throw new Error('SELECT secret FROM x failed');
    });
    const b = await call(boom, { user: 'viewer' });
    expect(b.status).toBe(500);
    const text = await b.text();
    expect(text).not.toContain('SELECT');
    expect(text).toMatch(/Internal server error \(ref [0-9a-f]{12}\)/);
    expect(errors).toHaveLength(1);
  });

  it('public routes run without a principal; undefined → 204; Response passes through', async () => {
    const pub = apiRoute({ auth: 'public' }, ({ principal }) => ({ anon: principal === null }));
    expect(await (await call(pub)).json()).toEqual({ anon: true });
    expect(
      (
        await call(
          apiRoute({ auth: 'read' }, () => undefined),
          { user: 'viewer' },
        )
      ).status,
    ).toBe(204);
    const raw = apiRoute({ auth: 'read' }, () => new Response('x', { status: 202 }));
    expect((await call(raw, { user: 'viewer' })).status).toBe(202);
  });

  it('assertClusterAccess', () => {
    expect(() => assertClusterAccess(principals.viewer!, 'a')).not.toThrow();
    expect(() => assertClusterAccess(principals.viewer!, 'b')).toThrow(ApiError);
    expect(() => assertClusterAccess(principals.admin!, 'b')).not.toThrow();
  });
});
