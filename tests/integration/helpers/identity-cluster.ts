import type { Role } from '@/lib/auth/types';
import { startSimulator, type Simulator } from '@/lib/sim';
import { seedIdentityPolicy } from './identity-policy';
import { eventually, startApp, type AppServer } from './app-server';
import { client, login } from './session';

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
