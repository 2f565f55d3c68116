import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@/lib/auth/types';
import type { IdentityMode } from '@/lib/protocol/identity';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './helpers/app-server';
import { client, login } from './helpers/session';

/**
 * The authz matrix's third dimension: app role × cluster RBAC × identity mode. Every account calls a
 * cached read, a write and the permissions route on one cluster switched through every mode; the
 * outcome must be what the app role, the cluster's RBAC for that user and the mode say together.
 */
type Rbac = 'patcher' | 'lister' | 'none';
type Api = ReturnType<typeof client>;
const ROLES: Role[] = ['admin', 'operator', 'viewer'];
const RBACS: Rbac[] = ['patcher', 'lister', 'none'];
const MODES: IdentityMode[] = ['shared', 'impersonate', 'oidc-token'];
const RBAC = 'rbac.authorization.k8s.io/v1';

let sim: Simulator;
let app: AppServer;
let admin: Api;
let node: string;
/** label values never repeat, so every allowed write really reaches the cluster */
let n = 0;
const accounts: Array<{ username: string; role: Role; rbac: Rbac; api: Api }> = [];

function policy(s: Simulator): string {
  const st = s.store;
  st.create('namespaces', { metadata: { name: 'knm' } });
  st.create('serviceaccounts', { metadata: { name: 'app', namespace: 'knm' } }, 'knm');
  const role = (name: string, rules: unknown[], subjects: unknown[]) => {
    st.create('clusterroles', { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
    st.create('clusterrolebindings', {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    });
  };
  // in shared mode the app's own identity may write, so only the app's roles decide there
  role(
    'knm-app',
    [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
    ],
    [{ kind: 'ServiceAccount', name: 'app', namespace: 'knm' }],
  );
  const users = (rbac: Rbac) => ROLES.map((r) => ({ kind: 'User', name: `${r}-${rbac}` }));
  role(
    'patcher',
    [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch', 'patch'] }],
    users('patcher'),
  );
  role('lister', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }], users('lister'));
  return s.kubeconfig({ token: s.rbac.issueToken('knm', 'app', 86_400).token, contextName: 'app' });
}

beforeAll(async () => {
  sim = await startSimulator({ nodes: 2, rbac: true, seed: 3 });
  const kubeconfig = policy(sim);
  node = sim.store.nodeNames()[0]!;
  app = await startApp({ DEMO_CLUSTER: 'false' });
  admin = client(app, await login(app, 'admin', 'admin-password-1'));
  expect((await admin('POST', '/api/v1/clusters', { name: 'm', kubeconfig })).status).toBe(201);
  await eventually(async () => (await admin('GET', '/api/readyz')).status === 200, 'cluster m ready', 30_000);
  for (const role of ROLES)
    for (const rbac of RBACS) {
      const username = `${role}-${rbac}`;
      const r = await admin('POST', '/api/v1/users', {
        username,
        password: 'matrix-password-1',
        role,
        clusters: ['m'],
      });
      expect(r.status).toBe(201);
      accounts.push({
        username,
        role,
        rbac,
        api: client(app, await login(app, username, 'matrix-password-1')),
      });
    }
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await sim?.close();
});

/** What must happen: a status and, for refusals, whose refusal it is (the error code). */
function expected(
  mode: IdentityMode,
  role: Role,
  rbac: Rbac,
  action: 'read' | 'write' | 'permissions',
): [number, string?] {
  if (action === 'write' && role === 'viewer') return [403, 'forbidden']; // the app's role, always first
  if (mode === 'shared') return [200];
  if (mode === 'oidc-token') {
    // password sessions carry no ID token: nothing can be asked or done as them on this cluster
    if (action === 'read') return [403, 'cluster_denied'];
    return [403, 'cluster_identity_unavailable'];
  }
  if (action === 'permissions') return [200];
  if (action === 'read') return rbac === 'none' ? [403, 'cluster_denied'] : [200];
  return rbac === 'patcher' ? [200] : rbac === 'lister' ? [403, 'cluster_denied'] : [403, 'cluster_denied'];
}

describe('authz matrix: app role × cluster RBAC × identity mode', () => {
  for (const mode of MODES) {
    it(`${mode}: every account gets what its role and the cluster's RBAC allow together`, async () => {
      expect((await admin('PATCH', '/api/v1/clusters/m', { identityMode: mode })).status).toBe(200);
      const mismatches: string[] = [];
      for (const a of accounts) {
        const calls = {
          read: () => a.api('GET', '/api/v1/clusters/m/nodes'),
          write: () =>
            a.api('POST', `/api/v1/clusters/m/nodes/${node}/labels`, { set: { matrix: `v${n++}` } }),
          permissions: () => a.api('GET', '/api/v1/clusters/m/permissions'),
        };
        for (const action of ['read', 'write', 'permissions'] as const) {
          const [status, code] = expected(mode, a.role, a.rbac, action);
          const r = await calls[action]();
          const gotCode = (r.json as { error?: { code?: string } } | undefined)?.error?.code;
          if (r.status !== status || (code && gotCode !== code))
            mismatches.push(
              `${a.username} ${action}: expected ${status}${code ? ` ${code}` : ''}, got ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`,
            );
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('impersonate: the permissions route tells each account what its RBAC allows', async () => {
    expect((await admin('PATCH', '/api/v1/clusters/m', { identityMode: 'impersonate' })).status).toBe(200);
    for (const a of accounts) {
      const p = (await a.api('GET', '/api/v1/clusters/m/permissions')).json;
      expect(p.actions['patch-nodes'].allowed, a.username).toBe(a.rbac === 'patcher');
      expect(p.actions['list-nodes'].allowed, a.username).toBe(a.rbac !== 'none');
      expect(p.actions['evict-pods']).toEqual({
        allowed: false,
        reason: `the cluster denies user ${a.username}: create pods/eviction`,
      });
    }
  });
});
