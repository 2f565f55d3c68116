import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@/lib/sim';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { startApp, type AppServer } from './helpers/app-server';
import { client, login } from './helpers/session';

type Role = 'admin' | 'operator' | 'viewer' | 'outsider';
type Access = 'public' | 'read' | 'write' | 'admin';
interface Row {
  method: string;
  path: string | (() => string);
  body?: unknown;
  access: Access;
  /** needs a grant on the "demo" cluster */
  scoped?: boolean;
  /** statuses that count as "allowed" for this request (default: any 2xx) */
  ok?: number[];
}

let app: AppServer;
let sim: Simulator;
const api: Partial<Record<Role, ReturnType<typeof client>>> = {};
let node = '';
let operationId = '';
let userId = '';
let n = 0;

const rows: Row[] = [
  { method: 'GET', path: '/api/v1/ws/ping', access: 'public' },
  { method: 'GET', path: '/api/v1/me', access: 'read' },
  { method: 'GET', path: '/api/v1/clusters', access: 'read' },
  { method: 'GET', path: '/api/v1/clusters/demo', access: 'read', scoped: true },
  { method: 'GET', path: '/api/v1/clusters/demo/nodes', access: 'read', scoped: true },
  { method: 'GET', path: '/api/v1/nodes?cluster_name=demo', access: 'read', scoped: true },
  { method: 'GET', path: () => `/api/v1/clusters/demo/nodes/${node}`, access: 'read', scoped: true },
  { method: 'GET', path: () => `/api/v1/operations/${operationId}`, access: 'read', scoped: true },
  { method: 'GET', path: '/api/v1/openapi.json', access: 'read' },
  { method: 'GET', path: '/api/v1/audit', access: 'read' },
  { method: 'GET', path: '/api/v1/tokens', access: 'read' },
  {
    method: 'POST',
    path: () => `/api/v1/clusters/demo/nodes/${node}/labels`,
    body: () => ({ set: { matrix: String(n++) } }),
    access: 'write',
    scoped: true,
  },
  {
    method: 'POST',
    path: () => `/api/v1/clusters/demo/nodes/${node}/taints`,
    body: { remove: [{ key: 'matrix' }] },
    access: 'write',
    scoped: true,
  },
  {
    method: 'POST',
    path: () => `/api/v1/clusters/demo/nodes/${node}/cordon`,
    body: { reason: 'matrix' },
    access: 'write',
    scoped: true,
  },
  {
    method: 'POST',
    path: () => `/api/v1/clusters/demo/nodes/${node}/uncordon`,
    access: 'write',
    scoped: true,
  },
  {
    method: 'POST',
    path: '/api/v1/clusters/demo/operations',
    body: () => ({ kind: 'uncordon', nodes: [node] }),
    access: 'write',
    scoped: true,
  },
  { method: 'POST', path: () => `/api/v1/operations/${operationId}/cancel`, access: 'write', scoped: true },
  // the operation succeeded, so an allowed retry finds nothing to run
  {
    method: 'POST',
    path: () => `/api/v1/operations/${operationId}/retry`,
    access: 'write',
    scoped: true,
    ok: [409],
  },
  { method: 'GET', path: '/api/v1/users', access: 'admin' },
  {
    method: 'POST',
    path: '/api/v1/users',
    body: () => ({ username: `m${n++}`, password: 'matrix-password-1', role: 'viewer' }),
    access: 'admin',
  },
  { method: 'GET', path: () => `/api/v1/users/${userId}`, access: 'admin' },
  { method: 'PATCH', path: () => `/api/v1/users/${userId}`, body: { clusters: ['demo'] }, access: 'admin' },
  {
    method: 'POST',
    path: '/api/v1/clusters?dryRun=true',
    body: () => ({ name: 'probe', kubeconfig: sim.kubeconfig() }),
    access: 'admin',
  },
  { method: 'DELETE', path: '/api/v1/clusters/no-such-cluster', access: 'admin', ok: [404] },
  { method: 'GET', path: '/api/v1/ws/stats', access: 'admin' },
  { method: 'POST', path: '/api/v1/ws/test', body: { cluster: 'demo', message: 'matrix' }, access: 'admin' },
];

const allowed = (role: Role, row: Row): boolean => {
  if (row.access === 'public') return true;
  if (row.scoped && role === 'outsider') return false;
  if (row.access === 'admin') return role === 'admin';
  if (row.access === 'write') return role === 'admin' || role === 'operator';
  return true;
};

beforeAll(async () => {
  sim = await startSimulator({ nodes: 3 });
  app = await startApp({ DEMO_NODES: '12' });
  api.admin = client(app, await login(app, 'admin', 'admin-password-1'));
  const users: Array<[Role, string, string[]]> = [
    ['operator', 'operator', ['demo']],
    ['viewer', 'viewer', ['demo']],
    ['outsider', 'viewer', []],
  ];
  for (const [name, role, clusters] of users) {
    const r = await api.admin('POST', '/api/v1/users', {
      username: name,
      password: `${name}-password-1`,
      role,
      clusters,
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    if (name === 'viewer') userId = r.json.id ?? r.json.user?.id;
    api[name] = client(app, await login(app, name, `${name}-password-1`));
  }
  const nodes = await api.admin('GET', '/api/v1/clusters/demo/nodes?limit=1');
  node = nodes.json.items[0].name;
  const op = await api.admin('POST', '/api/v1/clusters/demo/operations', { kind: 'uncordon', nodes: [node] });
  operationId = op.json.operation.id;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

describe('authorization matrix: every role on every REST route', () => {
  it('unauthenticated requests get 401 (JSON) except on public routes', async () => {
    for (const row of rows) {
      const path = typeof row.path === 'function' ? row.path() : row.path;
      const res = await fetch(`${app.url}${path}`, {
        method: row.method,
        headers: { origin: app.origin, 'content-type': 'application/json' },
        body: row.body
          ? JSON.stringify(typeof row.body === 'function' ? (row.body as () => unknown)() : row.body)
          : undefined,
      });
      if (row.access === 'public') expect(res.status, `${row.method} ${path}`).toBe(200);
      else {
        expect(res.status, `${row.method} ${path}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
      }
    }
  });

  for (const role of ['admin', 'operator', 'viewer', 'outsider'] as Role[]) {
    it(`${role}: allowed routes succeed, the others answer 403 with a JSON error`, async () => {
      for (const row of rows) {
        const path = typeof row.path === 'function' ? row.path() : row.path;
        const body = typeof row.body === 'function' ? (row.body as () => unknown)() : row.body;
        const r = await api[role]!(row.method, path, body);
        const what = `${role} ${row.method} ${path}: ${r.status} ${JSON.stringify(r.json)?.slice(0, 200)}`;
        if (allowed(role, row)) {
          expect(r.status >= 200 && r.status < 300 ? true : (row.ok ?? []).includes(r.status), what).toBe(
            true,
          );
        } else {
          expect(r.status, what).toBe(403);
          expect(r.json.error.message, what).toBeTruthy();
        }
      }
    }, 60_000);
  }

  it('WebSocket and SSE: 401 without credentials, 403 for a cluster the user may not see, open for a granted one', async () => {
    const ws = (cluster: string) => `ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=${cluster}`;
    expect(await WsTestClient.refusedStatus(ws('demo'), { origin: app.origin })).toBe(401);
    const outsiderToken = (await api.outsider!('POST', '/api/v1/tokens', { name: 't', scope: 'read' })).json
      .token as string;
    const viewerToken = (await api.viewer!('POST', '/api/v1/tokens', { name: 't', scope: 'read' })).json
      .token as string;
    expect(await WsTestClient.refusedStatus(ws('demo'), { origin: app.origin, token: outsiderToken })).toBe(
      403,
    );
    const ok = await WsTestClient.open(ws('demo'), { origin: app.origin, token: viewerToken });
    await ok.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed');
    ok.close();

    const sse = (cluster: string) => `${app.url}/api/v1/sse/nodes?cluster=${cluster}`;
    await expect(SseTestClient.open(sse('demo'))).rejects.toMatchObject({ status: 401 });
    await expect(SseTestClient.open(sse('demo'), { token: outsiderToken })).rejects.toMatchObject({
      status: 403,
    });
    const s = await SseTestClient.open(sse('demo'), { token: viewerToken });
    await s.waitFor((m) => m.type === 'subscribed' || m.type === 'connected', 5000, 'sse open');
    s.close();
  });

  it('a read-scoped API token cannot write even for an operator', async () => {
    const token = (await api.operator!('POST', '/api/v1/tokens', { name: 'ro', scope: 'read' })).json
      .token as string;
    const res = await fetch(`${app.url}/api/v1/clusters/demo/nodes/${node}/cordon`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(403);
  });

  it('a disabled user loses access', async () => {
    const users = await api.admin!('GET', '/api/v1/users');
    const op = (users.json.items as Array<{ id: string; username: string }>).find(
      (u) => u.username === 'operator',
    )!;
    expect((await api.admin!('PATCH', `/api/v1/users/${op.id}`, { disabled: true })).status).toBe(200);
    expect((await api.operator!('GET', '/api/v1/clusters')).status).toBe(401);
  });
});

describe('secrets', () => {
  it("a kubeconfig's secret material never appears in any API response or log line", async () => {
    const kubeconfig = sim.kubeconfig();
    const secret = sim.adminToken;
    expect(kubeconfig).toContain(secret);
    const add = await api.admin!('POST', '/api/v1/clusters', { name: 'secretive', kubeconfig });
    expect(add.status, JSON.stringify(add.json)).toBe(201);
    const responses = [
      add,
      await api.admin!('GET', '/api/v1/clusters'),
      await api.admin!('GET', '/api/v1/clusters/secretive'),
      await api.admin!('GET', '/api/v1/audit'),
      await api.admin!('PATCH', '/api/v1/clusters/secretive', { kubeconfig }),
      await api.admin!('POST', '/api/v1/clusters?dryRun=true', {
        name: 'x',
        kubeconfig: kubeconfig.replace(secret, `${secret}x`),
      }),
    ];
    for (const r of responses) expect(JSON.stringify(r.json)).not.toContain(secret);
    expect((await api.admin!('DELETE', '/api/v1/clusters/secretive')).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.logs.join('\n')).not.toContain(secret);
  });
});
