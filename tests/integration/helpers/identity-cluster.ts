import type { Role } from '@/lib/auth/types';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './app-server';
import { client, login } from './session';

const RBAC = 'rbac.authorization.k8s.io/v1';

/** The simulator's policy for the identity tests: the app's own identity, and who may do what. */
export function seedIdentityPolicy(sim: Simulator): string {
  const s = sim.store;
  s.create('namespaces', { metadata: { name: 'knm' } });
  s.create('serviceaccounts', { metadata: { name: 'app', namespace: 'knm' } }, 'knm');
  const role = (name: string, rules: unknown[]) =>
    s.create('clusterroles', { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules });
  const bind = (name: string, subjects: unknown[]) =>
    s.create('clusterrolebindings', {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects,
    });
  // what deploy/components/impersonation grants: informers read, and may impersonate; no writes of its own
  role('knm-app', [
    { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] },
  ]);
  bind('knm-app', [{ kind: 'ServiceAccount', name: 'app', namespace: 'knm' }]);
  // labeler: patch nodes, read what the node panel shows, but no evictions
  role('node-labeler', [
    { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] },
    { apiGroups: [''], resources: ['pods', 'events'], verbs: ['list'] },
  ]);
  bind('node-labeler', [{ kind: 'User', name: 'labeler' }]);
  // reader: list and watch nodes, nothing more
  role('node-reader', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }]);
  bind('node-reader', [{ kind: 'User', name: 'reader' }]);
  // nobody: bound to nothing
  return sim.kubeconfig({ token: sim.rbac.issueToken('knm', 'app', 86_400).token, contextName: 'knm-app' });
}

export const IDENTITY_ACCOUNTS: Array<{ username: string; role: Role }> = [
  { username: 'labeler', role: 'operator' },
  { username: 'reader', role: 'operator' },
  { username: 'nobody', role: 'viewer' },
];
export const ROLE_GROUPS = 'operator=knm:operators,viewer=knm:viewers';
export const passwordOf = (u: string) => `${u}-password-1`;

export interface IdentityApp {
  sim: Simulator;
  app: AppServer;
  admin: ReturnType<typeof client>;
  as: Record<string, ReturnType<typeof client>>;
  cookies: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The real app with cluster "prod" (a simulator with RBAC on, reached with a ServiceAccount token
 * that may only read and impersonate) in `mode`, and the accounts labeler, reader and nobody.
 */
export async function startIdentityApp(
  mode: 'shared' | 'impersonate' | 'oidc-token',
  env: Record<string, string> = {},
): Promise<IdentityApp> {
  const sim = await startSimulator({
    nodes: 3,
    podsPerNode: 2,
    rbac: true,
    seed: 7,
    podGracePeriodSeconds: 0,
  });
  const kubeconfig = seedIdentityPolicy(sim);
  const app = await startApp({ DEMO_CLUSTER: 'false', IMPERSONATE_ROLE_GROUPS: ROLE_GROUPS, ...env });
  const admin = client(app, await login(app, 'admin', 'admin-password-1'));
  const added = await admin('POST', '/api/v1/clusters', { name: 'prod', kubeconfig, identityMode: mode });
  if (added.status !== 201) throw new Error(`adding prod: ${added.status} ${JSON.stringify(added.json)}`);
  await eventually(
    async () => {
      const r = await admin('GET', '/api/readyz');
      const clusters = (r.json as { clusters?: Array<{ name: string }> }).clusters ?? [];
      return r.status === 200 && clusters.some((c) => c.name === 'prod');
    },
    'cluster prod ready',
    30_000,
  );
  const as: IdentityApp['as'] = {};
  const cookies: Record<string, string> = {};
  for (const { username, role } of IDENTITY_ACCOUNTS) {
    const r = await admin('POST', '/api/v1/users', {
      username,
      password: passwordOf(username),
      role,
      clusters: ['prod'],
    });
    if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${JSON.stringify(r.json)}`);
    cookies[username] = await login(app, username, passwordOf(username));
    as[username] = client(app, cookies[username]);
  }
  return {
    sim,
    app,
    admin,
    as,
    cookies,
    async close() {
      await app.stop();
      await sim.close();
    },
  };
}
