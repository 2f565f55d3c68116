import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as auditRoute from '@/app/api/v1/audit/route';
import * as clusterRoute from '@/app/api/v1/clusters/[cluster]/route';
import * as clustersRoute from '@/app/api/v1/clusters/route';
import * as meRoute from '@/app/api/v1/me/route';
import * as mePasswordRoute from '@/app/api/v1/me/password/route';
import * as tokenRoute from '@/app/api/v1/tokens/[id]/route';
import * as tokensRoute from '@/app/api/v1/tokens/route';
import * as userRoute from '@/app/api/v1/users/[id]/route';
import * as usersRoute from '@/app/api/v1/users/route';
import { AuditLog } from '@/lib/audit/audit-log';
import { Authenticator } from '@/lib/auth/authenticator';
import { TokenService } from '@/lib/auth/token-service';
import { PasswordChangeLimiter } from '@/lib/auth/rate-limiter';
import { SessionService } from '@/lib/auth/session-service';
import { sessionCookie } from '@/lib/auth/testing';
import { UserService } from '@/lib/auth/user-service';
import { parseTrustedProxies } from '@/lib/http/request-meta';
import { ClusterService } from '@/lib/clusters/cluster-service';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { clearAppContext, setAppContext, type AppContext } from '@/lib/server/app-context';
import { startSimulator, type Simulator } from '@/lib/sim';

const SECRET = 'route-test-secret-route-test-secret-123456';
const ORIGIN = 'http://localhost:3000';
type Handler = (req: Request, ctx?: { params: Promise<Record<string, string>> }) => Promise<Response>;

describe.each(ENGINES)('account, token, audit and cluster routes (%s, simulator)', (engine) => {
  let t: TestDatabase;
  let sim: Simulator;
  let auth: Authenticator;
  const logLines: string[] = [];
  let adminCookie = '';
  let viewerCookie = '';
  let viewerId = '';
  let sessions: SessionService;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    sim = await startSimulator({ nodes: 2, churn: false });
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(c: Buffer, _e, cb) {
          logLines.push(c.toString());
          cb();
        },
      }),
    );
    sessions = new SessionService(t.db);
    const users = new UserService(t.db, { sessions });
    auth = new Authenticator({ users, tokens: new TokenService(t.db), sessions, secret: SECRET });
    const ctx = {
      config: {
        publicOrigins: [ORIGIN],
        nextAuthSecret: SECRET,
        nextAuthUrl: ORIGIN,
        trustedProxies: parseTrustedProxies('1'),
      },
      passwordLimiter: new PasswordChangeLimiter(t.db),
      logger,
      db: t.db,
      auth,
      audit: new AuditLog(t.db, { logger }),
      clusters: new ClusterService(t.db, { key: Buffer.alloc(32, 1), logger, testTimeoutMs: 3000 }),
      manager: { hasCluster: () => false },
      shuttingDown: false,
      sseClosers: new Set(),
    } as unknown as AppContext;
    setAppContext(ctx);
    const admin = await users.create({ username: 'root', password: 'root-password', role: 'admin' });
    adminCookie = (await sessionCookie(sessions, admin.id, SECRET)).cookie;
  });
  afterAll(async () => {
    clearAppContext();
    auth?.close();
    await sim?.close();
    await t?.cleanup();
  });

  async function call(
    handler: Handler,
    opts: {
      method?: string;
      cookie?: string;
      bearer?: string;
      body?: unknown;
      url?: string;
      params?: Record<string, string>;
      origin?: string | null;
    } = {},
  ) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'route-test',
      'x-knm-peer': '10.0.0.9',
      'x-forwarded-for': '203.0.113.5',
    };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
    if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
    const req = new Request(`${ORIGIN}${opts.url ?? '/api'}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
    const text = await res.text();
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Record<string, any> };
  }

  it('admin creates a viewer; viewer cannot manage users', async () => {
    const created = await call(usersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { username: 'vic', password: 'vic-password', role: 'viewer', clusters: ['sim'] },
    });
    // grants may only name registered clusters
    expect(created.status).toBe(400);
    expect(created.json.error.message).toBe('clusters: no such cluster: sim');
    const ok = await call(usersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { username: 'vic', password: 'vic-password', role: 'viewer' },
    });
    expect(ok.status).toBe(201);
    expect(ok.text).not.toContain('argon2');
    viewerId = ok.json.id;
    viewerCookie = (await sessionCookie(sessions, viewerId, SECRET)).cookie;
    expect((await call(usersRoute.GET, { cookie: viewerCookie })).status).toBe(403);
    const bad = await call(usersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { username: 'x', password: 'short', role: 'viewer' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^body\.password: must be at least 8/);
    const dup = await call(usersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { username: 'VIC', password: 'vic-password', role: 'viewer' },
    });
    expect(dup.status).toBe(409);
    const me = await call(meRoute.GET, { cookie: viewerCookie });
    expect(me.json).toMatchObject({ username: 'vic', role: 'viewer', clusters: [], via: 'session' });
  });

  it('CSRF: a cookie mutation from a foreign origin is refused', async () => {
    const r = await call(usersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      origin: 'https://evil.example',
      body: { username: 'e', password: 'evil-password', role: 'admin' },
    });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('csrf');
  });

  it('tokens: created from a session only, shown once, work as bearer, scoped, revocable', async () => {
    const created = await call(tokensRoute.POST, {
      method: 'POST',
      cookie: viewerCookie,
      body: { name: 'cli', scope: 'read', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const token = created.json.token as string;
    expect(token).toMatch(/^knm_/);
    const listed = await call(tokensRoute.GET, { bearer: token });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(token);
    expect(listed.json.items[0]).toMatchObject({ name: 'cli', scope: 'read', prefix: token.slice(0, 12) });
    expect(
      (
        await call(tokensRoute.POST, {
          method: 'POST',
          bearer: token,
          body: { name: 'more', scope: 'write' },
        })
      ).status,
    ).toBe(403);
    const revoked = await call(tokenRoute.DELETE, {
      method: 'DELETE',
      cookie: viewerCookie,
      params: { id: created.json.id },
    });
    expect(revoked.status).toBe(200);
    expect((await call(meRoute.GET, { bearer: token })).status).toBe(401);
  });

  it('own password change needs the current password; disabling a user ends their session', async () => {
    const older = (await sessionCookie(sessions, viewerId, SECRET)).cookie;
    const wrong = await call(mePasswordRoute.POST, {
      method: 'POST',
      cookie: viewerCookie,
      body: { currentPassword: 'nope', newPassword: 'new-password-1' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.message).toBe('currentPassword: is incorrect');
    expect(
      (
        await call(mePasswordRoute.POST, {
          method: 'POST',
          cookie: viewerCookie,
          body: { currentPassword: 'vic-password', newPassword: 'new-password-1' },
        })
      ).status,
    ).toBe(204);
    // the change signs out every other session; the one that made it stays
    expect((await call(meRoute.GET, { cookie: older })).status).toBe(401);
    expect((await call(meRoute.GET, { cookie: viewerCookie })).status).toBe(200);
    const patched = await call(userRoute.PATCH, {
      method: 'PATCH',
      cookie: adminCookie,
      params: { id: viewerId },
      body: { disabled: true },
    });
    expect(patched.json.disabled).toBe(true);
    expect((await call(meRoute.GET, { cookie: viewerCookie })).status).toBe(401);
    await call(userRoute.PATCH, {
      method: 'PATCH',
      cookie: adminCookie,
      params: { id: viewerId },
      body: { disabled: false },
    });
    viewerCookie = (await sessionCookie(sessions, viewerId, SECRET)).cookie;
  });

  it('clusters: dry run, add, list (filtered by grants), rotate, delete — secrets never in responses or logs', async () => {
    const kubeconfig = sim.kubeconfig();
    const dry = await call(clustersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      url: '/api/v1/clusters?dryRun=true',
      body: { name: 'sim', kubeconfig },
    });
    expect(dry.json).toMatchObject({ ok: true, context: 'sim', server: sim.url });
    const bad = await call(clustersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { name: 'bad', kubeconfig: kubeconfig.replace(sim.adminToken, 'wrong') },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.code).toBe('unauthorized');
    const added = await call(clustersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { name: 'sim', kubeconfig },
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({ name: 'sim', kind: 'kubeconfig', status: 'syncing', nodes: 0 });
    await call(clustersRoute.POST, {
      method: 'POST',
      cookie: adminCookie,
      body: { name: 'other', kubeconfig },
    });
    const granted = await call(userRoute.PATCH, {
      method: 'PATCH',
      cookie: adminCookie,
      params: { id: viewerId },
      body: { clusters: ['sim'] },
    });
    expect(granted.json.clusters).toEqual(['sim']);
    const viewerList = await call(clustersRoute.GET, { cookie: viewerCookie });
    expect(viewerList.json.items.map((c: { name: string }) => c.name)).toEqual(['sim']);
    expect(
      (await call(clusterRoute.GET, { cookie: viewerCookie, params: { cluster: 'other' } })).status,
    ).toBe(403);
    expect(
      (
        await call(clustersRoute.POST, {
          method: 'POST',
          cookie: viewerCookie,
          body: { name: 'v', kubeconfig },
        })
      ).status,
    ).toBe(403);
    const rotated = await call(clusterRoute.PATCH, {
      method: 'PATCH',
      cookie: adminCookie,
      params: { cluster: 'sim' },
      body: { kubeconfig: sim.kubeconfig({ readOnly: true }) },
    });
    expect(rotated.json.context).toBe('sim-readonly');
    expect(
      (
        await call(clusterRoute.DELETE, {
          method: 'DELETE',
          cookie: adminCookie,
          params: { cluster: 'other' },
        })
      ).status,
    ).toBe(204);
    const all = await call(clustersRoute.GET, { cookie: adminCookie });
    const everything = [
      dry.text,
      bad.text,
      added.text,
      viewerList.text,
      rotated.text,
      all.text,
      ...logLines,
    ].join('\n');
    for (const secret of [sim.adminToken, sim.readOnlyToken]) expect(everything).not.toContain(secret);
  });

  it('audit: every mutation recorded with ip and agent; admins see all, others own', async () => {
    const all = await call(auditRoute.GET, { cookie: adminCookie, url: '/api/v1/audit?limit=200' });
    const actions = new Set(all.json.items.map((e: { action: string }) => e.action));
    for (const a of [
      'user.create',
      'user.update',
      'user.change_password',
      'token.create',
      'token.revoke',
      'cluster.create',
      'cluster.update',
      'cluster.delete',
    ]) {
      expect(actions).toContain(a);
    }
    const failedCluster = all.json.items.find(
      (e: { action: string; result: string }) => e.action === 'cluster.create' && e.result === 'failure',
    );
    expect(failedCluster).toMatchObject({
      cluster: 'bad',
      ip: '203.0.113.5',
      userAgent: 'route-test',
      username: 'root',
    });
    const own = await call(auditRoute.GET, { cookie: viewerCookie, url: '/api/v1/audit?user=root' });
    expect(own.json.items).toEqual([]);
    const viewerOwn = await call(auditRoute.GET, { cookie: viewerCookie });
    expect(viewerOwn.json.items.length).toBeGreaterThan(0);
    expect(viewerOwn.json.items.every((e: { username: string }) => e.username === 'vic')).toBe(true);
    const paged = await call(auditRoute.GET, {
      cookie: adminCookie,
      url: '/api/v1/audit?limit=2&action=cluster.*',
    });
    expect(paged.json.items).toHaveLength(2);
    expect(typeof paged.json.nextCursor).toBe('number');
    const since = await call(auditRoute.GET, { cookie: adminCookie, url: '/api/v1/audit?since=not-a-date' });
    expect(since.status).toBe(400);
    expect(since.json.error.message).toMatch(/^query\.since: /);
  });
});
