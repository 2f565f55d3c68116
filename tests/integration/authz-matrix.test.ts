import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth/types';
import { routeKey, routeTable, type RouteRow } from '@/lib/openapi/routes';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './helpers/app-server';
import { bearerClient, client, login } from './helpers/session';

/**
 * The authorization matrix, generated from the route table (lib/openapi/routes.ts): every route
 * (lib/openapi/route-table.test.ts proves the table lists every handler) is called by every kind
 * of caller, and the outcome must be what the row's role, scope, session-only flag and cluster
 * scoping say. A row without a fixture here fails, so a new route cannot go untested.
 */
type Api = ReturnType<typeof client>;
interface Caller {
  name: string;
  role: Role;
  scope: 'read' | 'write';
  via: 'session' | 'token';
  /** granted the "demo" cluster */
  granted: boolean;
  /** how the matrix calls as this caller */
  call: Api;
  username: string;
}
interface Call {
  path: string;
  body?: unknown;
  /** statuses that also count as "allowed" (the request got past authorization) */
  ok?: number[];
  /** an event stream: only the status is read */
  stream?: true;
  /** runs after the call (undo, re-login) */
  after?: (status: number) => void | Promise<void>;
}
type Fixture = (who: Caller) => Call | Promise<Call>;

let app: AppServer;
let sim: Simulator;
let adminApi: Api;
/** current browser session and password per user (sign-out-everywhere and password changes replace them) */
const sessionOf = new Map<string, Api>();
const passwordOf = new Map<string, string>();
let node = '';
let operationId = '';
let n = 0;
const callers: Caller[] = [];

const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${n++}`;
const asAdmin = async (method: string, path: string, body?: unknown) => {
  const r = await adminApi(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as Record<string, any>;
};
const newUser = async () =>
  (
    await asAdmin('POST', '/api/v1/users', {
      username: uniq('u'),
      password: 'matrix-password-1',
      role: 'viewer',
    })
  ).id as string;
const newCluster = async () => {
  const name = uniq('c').slice(0, 40);
  await asAdmin('POST', '/api/v1/clusters', { name, kubeconfig: sim.kubeconfig() });
  return name;
};
const dropCluster = async (name: string) => {
  await adminApi('DELETE', `/api/v1/clusters/${name}`);
};
/** a template owned by the caller when it may create one, else by the admin */
const templateOf = async (who: Caller) => {
  const body = { name: uniq('t'), kind: 'labels', spec: { set: { matrix: 'yes' } } };
  const mayCreate = who.role !== 'viewer' && who.scope === 'write';
  const r = await (mayCreate ? who.call : adminApi)('POST', '/api/v1/templates', body);
  if (r.status !== 201) throw new Error(`template: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.id as string;
};
/** after "sign out everywhere": new sessions for that user, wherever the matrix holds one */
const relogin = async (who: Caller) => {
  const cookie = await login(app, who.username, passwordOf.get(who.username)!);
  const fresh = client(app, cookie);
  sessionOf.set(who.username, fresh);
  cookies.set(who.name, cookie);
  for (const c of callers) if (c.username === who.username && c.via === 'session') c.call = fresh;
  if (who.username === 'admin') adminApi = client(app, await login(app, 'admin', passwordOf.get('admin')!));
};

const nodePath = () => `/api/v1/clusters/demo/nodes/${node}`;
const fixtures: Record<string, Fixture> = {
  'GET /api/healthz': () => ({ path: '/api/healthz' }),
  'GET /api/readyz': () => ({ path: '/api/readyz' }),
  'GET /api/auth/{nextauth}': () => ({ path: '/api/auth/csrf' }),
  'POST /api/auth/{nextauth}': () => ({ path: '/api/auth/signout', body: {}, ok: [302, 400] }),
  'GET /api/v1/openapi.json': () => ({ path: '/api/v1/openapi.json' }),
  'GET /api/v1/me': () => ({ path: '/api/v1/me' }),
  'GET /api/v1/me/logout-url': () => ({ path: '/api/v1/me/logout-url' }),
  'POST /api/v1/me/password': (who) => {
    const current = passwordOf.get(who.username)!;
    return {
      path: '/api/v1/me/password',
      body: { currentPassword: current, newPassword: `${current}x` },
      after: (status) => {
        if (status === 204) passwordOf.set(who.username, `${current}x`);
      },
    };
  },
  'DELETE /api/v1/me/sessions': (who) => ({
    path: '/api/v1/me/sessions',
    after: async (status) => {
      if (status === 204) await relogin(who);
    },
  }),
  'GET /api/v1/users': () => ({ path: '/api/v1/users' }),
  'POST /api/v1/users': () => ({
    path: '/api/v1/users',
    body: { username: uniq('m'), password: 'matrix-password-1', role: 'viewer' },
  }),
  'GET /api/v1/users/{id}': async () => ({ path: `/api/v1/users/${await newUser()}` }),
  'PATCH /api/v1/users/{id}': async () => ({
    path: `/api/v1/users/${await newUser()}`,
    body: { clusters: ['demo'] },
  }),
  'POST /api/v1/users/{id}/password': async () => ({
    path: `/api/v1/users/${await newUser()}/password`,
    body: { password: 'matrix-password-2' },
  }),
  'GET /api/v1/tokens': () => ({ path: '/api/v1/tokens' }),
  'POST /api/v1/tokens': () => ({ path: '/api/v1/tokens', body: { name: uniq('tok'), scope: 'read' } }),
  'DELETE /api/v1/tokens/{id}': async (who) => {
    const t = await sessionOf.get(who.username)!('POST', '/api/v1/tokens', {
      name: uniq('del'),
      scope: 'read',
    });
    return { path: `/api/v1/tokens/${t.json.id}` };
  },
  'GET /api/v1/audit': () => ({ path: '/api/v1/audit?limit=5' }),
  'GET /api/v1/clusters': () => ({ path: '/api/v1/clusters' }),
  'POST /api/v1/clusters': () => {
    const name = uniq('new').slice(0, 40);
    return {
      path: '/api/v1/clusters',
      body: { name, kubeconfig: sim.kubeconfig() },
      after: () => dropCluster(name),
    };
  },
  'GET /api/v1/clusters/{cluster}': () => ({ path: '/api/v1/clusters/demo' }),
  'PATCH /api/v1/clusters/{cluster}': () => ({
    path: '/api/v1/clusters/matrix',
    body: { displayName: uniq('Matrix') },
  }),
  'DELETE /api/v1/clusters/{cluster}': async () => {
    const name = await newCluster();
    return { path: `/api/v1/clusters/${name}`, after: () => dropCluster(name) };
  },
  'GET /api/v1/clusters/{cluster}/nodes': () => ({ path: '/api/v1/clusters/demo/nodes?limit=2' }),
  'GET /api/v1/clusters/{cluster}/permissions': () => ({ path: '/api/v1/clusters/demo/permissions' }),
  'GET /api/v1/clusters/{cluster}/export/nodes': () => ({
    path: '/api/v1/clusters/demo/export/nodes?format=csv&limit=2',
  }),
  'GET /api/v1/export/nodes': () => ({ path: '/api/v1/export/nodes?format=yaml&limit=2' }),
  'GET /api/v1/nodes': () => ({ path: '/api/v1/nodes?cluster_name=demo&limit=2' }),
  'GET /api/v1/clusters/{cluster}/nodes/{node}': () => ({ path: nodePath() }),
  'GET /api/v1/clusters/{cluster}/nodes/{node}/usage-history': () => ({
    path: `${nodePath()}/usage-history`,
  }),
  'GET /api/v1/clusters/{cluster}/node-usage': () => ({
    path: `/api/v1/clusters/demo/node-usage?names=${node}`,
  }),
  'POST /api/v1/clusters/{cluster}/nodes/{node}/labels': () => ({
    path: `${nodePath()}/labels`,
    body: { set: { matrix: String(n++) } },
  }),
  'POST /api/v1/clusters/{cluster}/nodes/{node}/taints': () => ({
    path: `${nodePath()}/taints`,
    body: { remove: [{ key: 'matrix' }] },
  }),
  'POST /api/v1/clusters/{cluster}/nodes/{node}/cordon': () => ({
    path: `${nodePath()}/cordon`,
    body: { reason: 'matrix' },
  }),
  'POST /api/v1/clusters/{cluster}/nodes/{node}/uncordon': () => ({ path: `${nodePath()}/uncordon` }),
  'POST /api/v1/clusters/{cluster}/nodes/{node}/drain': () => ({
    path: `${nodePath()}/drain`,
    body: { timeoutSeconds: 10 },
    after: async () => void (await adminApi('POST', `${nodePath()}/uncordon`)),
  }),
  'POST /api/v1/clusters/{cluster}/operations': () => ({
    path: '/api/v1/clusters/demo/operations',
    body: { kind: 'uncordon', nodes: [node] },
  }),
  'POST /api/v1/clusters/{cluster}/operations/preview': () => ({
    path: '/api/v1/clusters/demo/operations/preview',
    body: { kind: 'cordon', nodes: [node], maxUnavailable: 5 },
  }),
  'GET /api/v1/operations/{id}': () => ({ path: `/api/v1/operations/${operationId}` }),
  'POST /api/v1/operations/{id}/cancel': async () => {
    const op = await asAdmin('POST', '/api/v1/clusters/demo/operations', { kind: 'uncordon', nodes: [node] });
    return { path: `/api/v1/operations/${op.operation.id}/cancel` };
  },
  // a finished operation: an allowed retry finds nothing to run (409)
  'POST /api/v1/operations/{id}/retry': () => ({
    path: `/api/v1/operations/${operationId}/retry`,
    ok: [409],
  }),
  'GET /api/v1/templates': () => ({ path: '/api/v1/templates' }),
  'POST /api/v1/templates': () => ({
    path: '/api/v1/templates',
    body: { name: uniq('t'), kind: 'labels', spec: { set: { matrix: 'yes' } } },
  }),
  'GET /api/v1/templates/{id}': async (who) => ({ path: `/api/v1/templates/${await templateOf(who)}` }),
  'PUT /api/v1/templates/{id}': async (who) => ({
    path: `/api/v1/templates/${await templateOf(who)}`,
    body: { name: uniq('t'), kind: 'labels', spec: { set: { matrix: 'changed' } } },
  }),
  'DELETE /api/v1/templates/{id}': async (who) => ({ path: `/api/v1/templates/${await templateOf(who)}` }),
  'POST /api/v1/templates/{id}/apply': async (who) => ({
    path: `/api/v1/templates/${await templateOf(who)}/apply`,
    body: { cluster: 'demo', nodes: [node] },
  }),
  'GET /api/v1/sse/nodes': () => ({ path: '/api/v1/sse/nodes?cluster=demo', stream: true }),
  // no such stream of this caller: 404 once past authorization (sse-windows.test.ts opens real ones)
  'POST /api/v1/sse/windows': () => ({
    path: '/api/v1/sse/windows',
    body: { connection_id: 'matrix', id: 'w', cluster: 'demo', query: '', offset: 0, limit: 10 },
    ok: [404],
  }),
  'GET /api/v1/ws/ping': () => ({ path: '/api/v1/ws/ping' }),
  'GET /api/v1/ws/stats': () => ({ path: '/api/v1/ws/stats' }),
  'GET /api/v1/health/history': () => ({ path: '/api/v1/health/history' }),
  // its own bearer (METRICS_TOKEN, unset here: 404 for everyone); prometheus.test.ts covers the token
  'GET /api/metrics': () => ({ path: '/api/metrics', ok: [404] }),
  'POST /api/v1/ws/test': () => ({
    path: '/api/v1/ws/test',
    body: { cluster: 'demo', message: 'matrix' },
  }),
};

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
function allowed(who: Caller, row: RouteRow): boolean {
  if (row.role === 'public') return true;
  if (RANK[who.role] < RANK[row.role]) return false;
  if (row.scope === 'write' && who.scope === 'read') return false;
  if (row.sessionOnly && who.via !== 'session') return false;
  if (row.cluster && !who.granted) return false;
  return true;
}

async function perform(
  api: Api | null,
  row: RouteRow,
  call: Call,
): Promise<{ status: number; text: string }> {
  const method = row.method.toUpperCase();
  if (call.stream || !api) {
    const headers: Record<string, string> = { origin: app.origin };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const abort = new AbortController();
    const res = await fetch(`${app.url}${call.path}`, {
      method,
      headers,
      redirect: 'manual',
      signal: abort.signal,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const text = call.stream && res.status === 200 ? '' : await res.text();
    abort.abort();
    return { status: res.status, text };
  }
  const r = await api(method, call.path, call.body);
  return { status: r.status, text: JSON.stringify(r.json)?.slice(0, 300) ?? '' };
}

/** SSE through a caller's own credentials (a session cookie or its bearer token), status only. */
async function streamAs(who: Caller, path: string): Promise<number> {
  const t = tokens.get(who.name);
  const cookie = cookies.get(who.name);
  const headers: Record<string, string> = t ? { authorization: `Bearer ${t}` } : { cookie: cookie ?? '' };
  try {
    const s = await SseTestClient.open(`${app.url}${path}`, { headers });
    s.close();
    return 200;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
}

const tokens = new Map<string, string>();
const cookies = new Map<string, string>();
const bearer = (token: string): Api => bearerClient(app, token);

beforeAll(async () => {
  sim = await startSimulator({ nodes: 3 });
  app = await startApp({ DEMO_NODES: '12' });
  adminApi = client(app, await login(app, 'admin', 'admin-password-1'));
  await eventually(async () => (await adminApi('GET', '/api/readyz')).status === 200, 'demo ready', 30_000);
  await asAdmin('POST', '/api/v1/clusters', { name: 'matrix', kubeconfig: sim.kubeconfig() });
  const people: Array<[string, Role, string[]]> = [
    ['operator', 'operator', ['demo']],
    ['viewer', 'viewer', ['demo']],
    ['outsider', 'operator', []],
  ];
  const sessions: Record<string, Api> = {};
  for (const [name, role, clusters] of people) {
    await asAdmin('POST', '/api/v1/users', {
      username: name,
      password: `${name}-password-1`,
      role,
      clusters,
    });
  }
  for (const name of ['admin', 'operator', 'viewer', 'outsider']) {
    passwordOf.set(name, `${name}-password-1`);
    // the admin caller has its own session: the one used for setting up must survive its sign-out
    const cookie = await login(app, name, `${name}-password-1`);
    cookies.set(name, cookie);
    sessions[name] = client(app, cookie);
    sessionOf.set(name, sessions[name]);
  }
  const tokenOf = async (who: string, scope: 'read' | 'write') => {
    const r = await sessions[who]!('POST', '/api/v1/tokens', { name: `matrix-${scope}`, scope });
    return r.json.token as string;
  };
  const as = (
    name: string,
    username: string,
    role: Role,
    via: 'session' | 'token',
    scope: 'read' | 'write',
    granted: boolean,
    call: Api,
  ) => callers.push({ name, username, role, via, scope, granted, call });
  as('admin', 'admin', 'admin', 'session', 'write', true, sessions.admin!);
  as('operator', 'operator', 'operator', 'session', 'write', true, sessions.operator!);
  as('viewer', 'viewer', 'viewer', 'session', 'write', true, sessions.viewer!);
  // an operator with a write token on a cluster it has no grant for: only assertClusterAccess stops it
  tokens.set('outsider', await tokenOf('outsider', 'write'));
  as('outsider', 'outsider', 'operator', 'token', 'write', false, bearer(tokens.get('outsider')!));
  tokens.set('admin-read-token', await tokenOf('admin', 'read'));
  as('admin-read-token', 'admin', 'admin', 'token', 'read', true, bearer(tokens.get('admin-read-token')!));
  tokens.set('operator-token', await tokenOf('operator', 'write'));
  as('operator-token', 'operator', 'operator', 'token', 'write', true, bearer(tokens.get('operator-token')!));

  node = (await asAdmin('GET', '/api/v1/clusters/demo/nodes?limit=1')).items[0].name as string;
  operationId = (
    await asAdmin('POST', '/api/v1/clusters/demo/operations', { kind: 'uncordon', nodes: [node] })
  ).operation.id as string;
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

const httpRows = routeTable.filter((r) => !r.upgrade);

describe('authorization matrix, generated from the route table', () => {
  it('every route in the table has a fixture here (a new route cannot skip the matrix)', () => {
    expect(httpRows.map(routeKey).filter((k) => !fixtures[k])).toEqual([]);
    expect(Object.keys(fixtures).filter((k) => !httpRows.some((r) => routeKey(r) === k))).toEqual([]);
  });

  it('without credentials: 401 with a JSON error, except on public routes', async () => {
    for (const row of httpRows) {
      const call = await fixtures[routeKey(row)]!(callers[0]!);
      const { status, text } = await perform(null, row, call);
      const what = `anonymous ${routeKey(row)}: ${status} ${text.slice(0, 200)}`;
      if (row.role === 'public') expect(status < 300 || (call.ok ?? []).includes(status), what).toBe(true);
      else {
        expect(status, what).toBe(401);
        expect((JSON.parse(text) as { error: { code: string } }).error.code, what).toBe('unauthorized');
      }
    }
  }, 120_000);

  for (const name of ['admin', 'operator', 'viewer', 'outsider', 'admin-read-token', 'operator-token']) {
    it(`${name}: the routes its role, scope, session and grants allow succeed; the others answer 403`, async () => {
      const who = callers.find((c) => c.name === name)!;
      for (const row of httpRows) {
        const call = await fixtures[routeKey(row)]!(who);
        const { status, text } = call.stream
          ? { status: await streamAs(who, call.path), text: '' }
          : await perform(who.call, row, call);
        const what = `${name} ${routeKey(row)} (${call.path}): ${status} ${text}`;
        if (allowed(who, row)) {
          expect((status >= 200 && status < 300) || (call.ok ?? []).includes(status), what).toBe(true);
        } else {
          expect(status, what).toBe(403);
          if (!call.stream)
            expect((JSON.parse(text) as { error: { message: string } }).error.message, what).toBeTruthy();
        }
        await call.after?.(status);
      }
    }, 180_000);
  }

  it('WebSocket: 401 without credentials, 403 for a cluster the caller may not see, open for a granted one', async () => {
    const ws = (cluster: string) => `ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=${cluster}`;
    expect(await WsTestClient.refusedStatus(ws('demo'), { origin: app.origin })).toBe(401);
    expect(
      await WsTestClient.refusedStatus(ws('demo'), { origin: app.origin, token: tokens.get('outsider') }),
    ).toBe(403);
    const ok = await WsTestClient.open(ws('demo'), {
      origin: app.origin,
      token: tokens.get('admin-read-token'),
    });
    await ok.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed');
    ok.close();
  });

  it('a disabled user loses access at once', async () => {
    const op = callers.find((c) => c.name === 'operator')!;
    const users = (await asAdmin('GET', '/api/v1/users')).items as Array<{ id: string; username: string }>;
    const id = users.find((u) => u.username === 'operator')!.id;
    expect((await adminApi('PATCH', `/api/v1/users/${id}`, { disabled: true })).status).toBe(200);
    expect((await op.call('GET', '/api/v1/clusters')).status).toBe(401);
    expect((await callers.find((c) => c.name === 'operator-token')!.call('GET', '/api/v1/me')).status).toBe(
      401,
    );
  });
});

describe('secrets', () => {
  it("a kubeconfig's secret material never appears in any API response or log line", async () => {
    const kubeconfig = sim.kubeconfig();
    const secret = sim.adminToken;
    expect(kubeconfig).toContain(secret);
    const add = await adminApi('POST', '/api/v1/clusters', { name: 'secretive', kubeconfig });
    expect(add.status, JSON.stringify(add.json)).toBe(201);
    const responses = [
      add,
      await adminApi('GET', '/api/v1/clusters'),
      await adminApi('GET', '/api/v1/clusters/secretive'),
      await adminApi('GET', '/api/v1/audit'),
      await adminApi('PATCH', '/api/v1/clusters/secretive', { kubeconfig }),
      await adminApi('POST', '/api/v1/clusters?dryRun=true', {
        name: 'x',
        kubeconfig: kubeconfig.replace(secret, `${secret}x`),
      }),
    ];
    for (const r of responses) expect(JSON.stringify(r.json)).not.toContain(secret);
    expect((await adminApi('DELETE', '/api/v1/clusters/secretive')).status).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 200));
    expect(app.logs.join('\n')).not.toContain(secret);
  });
});
