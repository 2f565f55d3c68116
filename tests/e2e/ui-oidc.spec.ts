import { test, type Browser, type Page } from '@playwright/test';
import type { SimAuditEvent } from '@/lib/sim/audit';
import { startSimulator, type Simulator } from '@/lib/sim';
import { freePort, startApp, type AppServer } from '../integration/helpers/app-server';
import { seedIdentityPolicy } from '../integration/helpers/identity-policy';
import { client, login } from '../integration/helpers/session';
import { expect } from './fixtures';
import { startOidcProvider, type TestProvider } from './oidc-provider';

/**
 * Single sign-on against the real `oidc-provider`, in Chromium: authorization code with PKCE, groups
 * mapped to an app role and to impersonated groups, oidc-token mode with refresh (rotated) and a user
 * removed at the provider. Each describe runs its own provider, simulator and app (the app reads the
 * OIDC settings at start).
 */
const RBAC = 'rbac.authorization.k8s.io/v1';

interface Stack {
  provider: TestProvider;
  sim: Simulator;
  app: AppServer;
  admin: ReturnType<typeof client>;
  close(): Promise<void>;
}

async function startStack(groups: 'id-token' | 'scope', env: Record<string, string>, idTtl?: number) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const sim = await startSimulator({
    nodes: 2,
    podsPerNode: 1,
    rbac: true,
    seed: 9,
    oidc: { issuerUrl: issuer, clientId: 'knm', usernameClaim: 'sub' },
  });
  const kubeconfig = seedIdentityPolicy(sim);
  // the provider's group "labelers" may patch nodes on this cluster
  sim.store.create('clusterrolebindings', {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'labelers-group' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-labeler' },
    subjects: [{ kind: 'Group', name: 'labelers' }],
  });
  const app = await startApp({
    DEMO_CLUSTER: 'false',
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'knm',
    OIDC_CLIENT_SECRET: 'knm-client-secret',
    OIDC_OPERATOR_GROUPS: 'ops',
    IMPERSONATE_ROLE_GROUPS: 'operator=knm:operators,viewer=knm:viewers',
    ...env,
  });
  const provider = await startOidcProvider({
    port,
    redirectUri: `${app.url}/api/auth/callback/oidc`,
    postLogoutRedirectUri: `${app.url}/login`,
    groups,
    idTokenTtlSeconds: idTtl,
  });
  const admin = client(app, await login(app, 'admin', 'admin-password-1'));
  const added = await admin('POST', '/api/v1/clusters', {
    name: 'prod',
    kubeconfig,
    identityMode: 'impersonate',
  });
  expect(added.status).toBe(201);
  return {
    provider,
    sim,
    app,
    admin,
    async close() {
      // the app must have survived everything the test did to it
      expect(app.proc.exitCode, app.logs.slice(-20).join('\n')).toBeNull();
      await app.stop();
      await provider.close();
      await sim.close();
    },
  } satisfies Stack;
}

/** Chromium through the app's sign-in page and the provider's login and consent pages. */
async function ssoSignIn(browser: Browser, app: AppServer, user: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: app.url })).newPage();
  await page.goto('/login');
  await page.getByRole('button', { name: /Continue with Single sign-on/ }).click();
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', 'any-password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((u) => u.origin === app.url && u.pathname === '/');
  return page;
}

/** Admins grant clusters; a new single sign-on user has none. */
async function grantProd(s: Stack, username: string): Promise<void> {
  const users = (await s.admin('GET', '/api/v1/users')).json.items as Array<{ id: string; username: string }>;
  const id = users.find((u) => u.username === username)!.id;
  expect((await s.admin('PATCH', `/api/v1/users/${id}`, { clusters: ['prod'] })).status).toBe(200);
}

const me = async (page: Page) => (await (await page.request.get('/api/v1/me')).json()) as { role: string };

/** A provider account in groups ops (→ operator) and labelers signs in; the admin grants it "prod". */
async function operatorSignsIn(s: Stack, browser: Browser, user: string): Promise<Page> {
  s.provider.accounts.set(user, { groups: ['ops', 'labelers'] });
  const page = await ssoSignIn(browser, s.app, user);
  expect((await me(page)).role).toBe('operator');
  await grantProd(s, user);
  return page;
}
const label = (page: Page, app: AppServer, node: string, value: string) =>
  page.request.post(`/api/v1/clusters/prod/nodes/${node}/labels`, {
    data: { set: { sso: value } },
    // the test idles past the server's 5 s keep-alive between writes: never reuse a socket it may be closing
    headers: { origin: app.url, connection: 'close' },
  });
const lastPatch = (sim: Simulator, user: string): SimAuditEvent | undefined =>
  sim.audit.list({ user, verb: 'patch' }).at(-1);

test.describe('a provider that puts groups in every ID token', () => {
  let s: Stack;
  test.beforeAll(async () => {
    // ID tokens live 5 s: every use in oidc-token mode has to refresh first
    s = await startStack('id-token', {}, 5);
  });
  test.afterAll(async () => s?.close());

  test('groups map to the operator role and to impersonated groups; oidc-token mode refreshes the expired token', async ({
    browser,
  }) => {
    const page = await operatorSignsIn(s, browser, 'alice');
    const node = s.sim.store.nodeNames().sort()[0]!;

    // impersonate: the provider's groups and the role's group reach the cluster
    expect((await label(page, s.app, node, 'a')).status()).toBe(200);
    expect(lastPatch(s.sim, 'alice')).toMatchObject({
      user: { username: 'system:serviceaccount:knm:app' },
      impersonatedUser: {
        username: 'alice',
        groups: ['ops', 'labelers', 'knm:operators', 'system:authenticated'],
      },
    });

    // oidc-token: alice's own ID token reaches the cluster; the one from sign-in expired meanwhile
    expect((await s.admin('PATCH', '/api/v1/clusters/prod', { identityMode: 'oidc-token' })).status).toBe(
      200,
    );
    await page.waitForTimeout(6000);
    const refreshesBefore = s.provider.refreshes.ok;
    await page.goto(`/clusters/prod/nodes/${node}`);
    await page.getByTestId('tab-actions').click();
    await expect(page.getByTestId('cordon')).toBeEnabled();
    await page.getByTestId('cordon').click();
    await expect
      .poll(() => (s.sim.store.getNode(node).spec as { unschedulable?: boolean } | undefined)?.unschedulable)
      .toBe(true);
    // no error box anywhere on the page (Next's own route announcer is an empty alert outside main)
    await expect(page.locator('main [role=alert]')).toHaveCount(0);
    // and the live stream (its subscription asked the cluster as alice, with her refreshed token) is up
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', /live|fallback-sse/);
    const patch = lastPatch(s.sim, 'alice')!;
    expect(patch).toMatchObject({ authenticatedBy: 'oidc', user: { username: 'alice' } });
    expect(patch.user.groups).toEqual(['ops', 'labelers', 'system:authenticated']);
    expect(s.provider.refreshes.ok).toBeGreaterThan(refreshesBefore);
    // the rotated refresh token was kept: a second refresh after another expiry works too
    await page.waitForTimeout(6000);
    const again = s.provider.refreshes.ok;
    expect((await label(page, s.app, node, 'b')).status()).toBe(200);
    expect(s.provider.refreshes.ok).toBeGreaterThan(again);

    // removed at the provider: the next refresh is refused and the session ends
    s.provider.accounts.delete('alice');
    await page.waitForTimeout(6000);
    const refused = await label(page, s.app, node, 'c');
    // whichever request first needs the expired token asks for the refresh: this write (403 naming the
    // refusal), or a background read of the open node page a moment earlier, which already ended the
    // session (then this write is simply not signed in: 401). Either way nothing is written as alice.
    expect([401, 403]).toContain(refused.status());
    if (refused.status() === 403)
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        'the identity provider refused to refresh the session',
      );
    expect(s.provider.refreshes.refused).toBeGreaterThan(0);
    expect((s.sim.store.getNode(node).metadata.labels ?? {})['sso']).toBe('b');
    await expect.poll(async () => (await page.request.get('/api/v1/me')).status()).toBe(401);
  });
});

test.describe('a provider that releases groups only for the groups scope (like Dex)', () => {
  let s: Stack;
  test.beforeAll(async () => {
    s = await startStack('scope', { OIDC_SCOPES: 'openid profile email groups' });
  });
  test.afterAll(async () => s?.close());

  test('with OIDC_SCOPES asking for groups, they are read from userinfo and map to the role and to impersonation', async ({
    browser,
  }) => {
    const page = await operatorSignsIn(s, browser, 'bob');
    const node = s.sim.store.nodeNames().sort()[1]!;
    expect((await label(page, s.app, node, 'b')).status()).toBe(200);
    expect(lastPatch(s.sim, 'bob')?.impersonatedUser?.groups).toEqual([
      'ops',
      'labelers',
      'knm:operators',
      'system:authenticated',
    ]);

    // sign-out ends the provider's session too (RP-initiated logout): the next sign-in asks for a login
    // (the grant above closed the first page's stream with 4001, which may still be sending it to /login)
    await expect(async () => {
      await page.goto('/');
      await expect(page.getByTestId('sign-out')).toBeVisible({ timeout: 2000 });
    }).toPass();
    await page.getByTestId('sign-out').click();
    await page.getByRole('button', { name: /Yes, sign me out/ }).click();
    await page.waitForURL((u) => u.origin === s.app.url && u.pathname === '/login');
    expect((await page.request.get('/api/v1/me')).status()).toBe(401);
    await page.getByRole('button', { name: /Continue with Single sign-on/ }).click();
    await expect(page.locator('input[name=login]')).toBeVisible();
  });
});
