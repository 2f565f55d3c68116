import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actingKubeConfig } from '@/lib/identity/acting-kubeconfig';
import { IdentityService } from '@/lib/identity/identity-service';
import { loadKubeConfig } from '@/lib/realtime/kube-transport';
import { type Simulator, startSimulator } from '@/lib/sim';
import { rbacSeeder } from './helpers/identity-policy';
import { kubectl, kubectlBinary } from './helpers/kubectl';
import { request } from './sim-http-helpers';

const ISSUER = 'https://issuer.example';

/** The app's ServiceAccount may impersonate; group "labelers" may patch nodes; "readers" may list them. */
function seedPolicy(sim: Simulator): void {
  const { role, bind } = rbacSeeder(sim);
  role('impersonator', [{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]);
  bind('impersonator', [{ kind: 'ServiceAccount', name: 'app', namespace: 'knm' }]);
  role('labelers', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch', 'patch'] }]);
  bind('labelers', [{ kind: 'Group', name: 'labelers' }]);
  role('readers', [{ apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] }]);
  bind('readers', [{ kind: 'Group', name: 'readers' }]);
}

describe('simulator: impersonation, access reviews, audit trail and OIDC ID tokens', () => {
  let sim: Simulator;
  let appToken: string;
  let key: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    key = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    sim = await startSimulator({
      nodes: 2,
      rbac: true,
      oidc: {
        issuerUrl: ISSUER,
        clientId: 'knm',
        usernameClaim: 'preferred_username',
        jwks: { keys: [jwk] },
      },
    });
    seedPolicy(sim);
    appToken = sim.rbac.issueToken('knm', 'app').token;
  });
  afterAll(() => sim?.close());

  const node = () => sim.store.nodeNames()[0]!;
  const as = (user: string, ...groups: string[]) => ({
    token: appToken,
    headers: { 'Impersonate-User': user, ...(groups.length ? { 'Impersonate-Group': groups } : {}) },
  });

  it('evaluates RBAC as the impersonated user and audits both users', async () => {
    sim.audit.clear();
    const patch = (o: { token: string; headers: Record<string, string | string[]> }) =>
      request(sim, 'PATCH', `/api/v1/nodes/${node()}`, {
        ...o,
        body: { metadata: { labels: { team: 'x' } } },
        contentType: 'application/merge-patch+json',
      });
    expect((await patch(as('labeler', 'labelers'))).status).toBe(200);
    const refused = await patch(as('reader', 'readers'));
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe(
      `nodes "${node()}" is forbidden: User "reader" cannot patch resource "nodes" in API group "" at the cluster scope`,
    );
    // the app's own identity may not patch nodes: only the impersonated group made it possible
    expect((await patch({ token: appToken, headers: {} })).status).toBe(403);

    const audit = await request(sim, 'GET', '/_sim/audit?verb=patch');
    expect(audit.status).toBe(200);
    const [ok, denied] = audit.json.items as [Record<string, any>, Record<string, any>];
    expect(ok.user.username).toBe('system:serviceaccount:knm:app');
    expect(ok.impersonatedUser).toEqual({
      username: 'labeler',
      groups: ['labelers', 'system:authenticated'],
    });
    expect(ok.objectRef).toMatchObject({ resource: 'nodes', name: node() });
    expect(ok.responseStatus.code).toBe(200);
    expect(denied.impersonatedUser.username).toBe('reader');
    expect(denied.responseStatus.code).toBe(403);
    // only a superuser reads the trail
    expect((await request(sim, 'GET', '/_sim/audit', { token: appToken })).status).toBe(403);
  });

  it('refuses impersonation without the impersonate verb, and groups without a user', async () => {
    sim.rbac.ensureServiceAccount('knm', 'plain');
    const plain = sim.rbac.issueToken('knm', 'plain').token;
    const r = await request(sim, 'GET', '/api/v1/nodes', {
      token: plain,
      headers: { 'Impersonate-User': 'x' },
    });
    expect(r.status).toBe(403);
    expect(r.json.message).toBe(
      'users "x" is forbidden: User "system:serviceaccount:knm:plain" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    const g = await request(sim, 'GET', '/api/v1/nodes', {
      token: appToken,
      headers: { 'Impersonate-Group': 'readers' },
    });
    expect(g.status).toBe(400);
  });

  it('answers SelfSubjectAccessReview for the impersonated user', async () => {
    const review = async (o: ReturnType<typeof as>, verb: string, resource: string, subresource?: string) =>
      (
        await request(sim, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          ...o,
          body: { spec: { resourceAttributes: { verb, resource, ...(subresource ? { subresource } : {}) } } },
        })
      ).json.status.allowed as boolean;
    expect(await review(as('labeler', 'labelers'), 'patch', 'nodes')).toBe(true);
    expect(await review(as('labeler', 'labelers'), 'create', 'pods', 'eviction')).toBe(false);
    expect(await review(as('reader', 'readers'), 'list', 'nodes')).toBe(true);
    expect(await review(as('reader', 'readers'), 'patch', 'nodes')).toBe(false);
    expect(await review(as('nobody'), 'list', 'nodes')).toBe(false);
  });

  it('accepts ID tokens of the trusted issuer, with groups; expired or foreign ones are 401', async () => {
    const sign = (claims: Record<string, unknown>, exp: string | number, iss = ISSUER) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(iss)
        .setAudience('knm')
        .setSubject('u-1')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key.privateKey);
    const token = await sign({ preferred_username: 'labeler', groups: ['labelers'] }, '5m');
    sim.audit.clear();
    expect((await request(sim, 'GET', '/api/v1/nodes', { token })).status).toBe(200);
    const [e] = (await request(sim, 'GET', '/_sim/audit')).json.items;
    expect(e.user).toEqual({ username: 'labeler', groups: ['labelers', 'system:authenticated'] });
    expect(e.authenticatedBy).toBe('oidc');
    const expired = await sign({ preferred_username: 'labeler' }, Math.floor(Date.now() / 1000) - 60);
    expect((await request(sim, 'GET', '/api/v1/nodes', { token: expired })).status).toBe(401);
    const foreign = await sign({ preferred_username: 'labeler' }, '5m', 'https://other.example');
    expect((await request(sim, 'GET', '/api/v1/nodes', { token: foreign })).status).toBe(401);
  });

  it('client-node through actingKubeConfig: one Impersonate-Group per group, on API calls and watches', async () => {
    const kc = loadKubeConfig(sim.kubeconfig({ token: appToken, contextName: 'app' }));
    const view = actingKubeConfig(kc, {
      kind: 'impersonate',
      user: 'labeler',
      groups: ['labelers', 'extra'],
    });
    sim.audit.clear();
    await view.makeApiClient(CoreV1Api).listNode();
    const watched = new Promise<void>((resolve, reject) => {
      void new Watch(view)
        .watch(
          '/api/v1/nodes',
          { timeoutSeconds: 1 },
          () => undefined,
          () => resolve(),
        )
        .catch(reject);
    });
    await watched;
    const events = sim.audit.list({ user: 'labeler' });
    expect(events.map((e) => e.verb)).toEqual(['list', 'watch']);
    for (const e of events)
      expect(e.impersonatedUser?.groups).toEqual(['labelers', 'extra', 'system:authenticated']);
    // the kubeconfig itself still acts as the app (which may not list namespaces)
    await expect(kc.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow(/403/);
    const own = sim.audit.list({ verb: 'list' }).at(-1);
    expect(own?.user.username).toBe('system:serviceaccount:knm:app');
    expect(own?.impersonatedUser).toBeUndefined();
  });

  it('client-node through actingKubeConfig with a token: the ID token replaces the kubeconfig credentials', async () => {
    const idToken = await new SignJWT({ preferred_username: 'reader', groups: ['readers'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('knm')
      .setSubject('u-2')
      .setExpirationTime('5m')
      .sign(key.privateKey);
    const kc = loadKubeConfig(sim.kubeconfig({ token: appToken, contextName: 'app' }));
    let asked = 0;
    const view = actingKubeConfig(kc, { kind: 'token', token: () => (asked++, Promise.resolve(idToken)) });
    sim.audit.clear();
    expect((await view.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(2);
    expect(asked).toBe(1);
    expect(sim.audit.list()[0]).toMatchObject({ authenticatedBy: 'oidc', user: { username: 'reader' } });
  });

  it('IdentityService asks the cluster as the user once a minute per cluster and user', async () => {
    let now = 1_000_000;
    const kc = loadKubeConfig(sim.kubeconfig({ token: appToken, contextName: 'app' }));
    const identity = new IdentityService({ kubeConfig: () => kc, roleGroups: {}, now: () => now });
    identity.setMode('sim', 'impersonate');
    const reader = { username: 'reader', role: 'viewer' as const, groups: ['readers'] };
    const reviews = () => sim.audit.list({ user: 'reader', verb: 'create' }).length;
    sim.audit.clear();
    const first = await identity.permissions('sim', reader);
    expect(first.actions['list-nodes']).toEqual({ allowed: true });
    expect(first.actions['patch-nodes']).toEqual({
      allowed: false,
      reason: 'the cluster denies user reader: patch nodes',
    });
    expect(reviews()).toBe(4);
    await identity.permissions('sim', reader);
    expect(reviews()).toBe(4); // cached
    now += 61_000;
    await identity.permissions('sim', reader);
    expect(reviews()).toBe(8); // asked again after a minute
  });

  it.skipIf(!kubectlBinary())('kubectl --as / --as-group goes through the same checks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sim-imp-'));
    try {
      const cfg = path.join(dir, 'app');
      writeFileSync(cfg, sim.kubeconfig({ token: appToken, contextName: 'app' }), { mode: 0o600 });
      const canI = async (...args: string[]) =>
        (await kubectl(['auth', 'can-i', ...args], { kubeconfig: cfg })).stdout.trim();
      expect(await canI('patch', 'nodes', '--as', 'labeler', '--as-group', 'labelers')).toBe('yes');
      expect(await canI('patch', 'nodes', '--as', 'reader', '--as-group', 'readers')).toBe('no');
      expect(await canI('list', 'nodes', '--as', 'reader', '--as-group', 'readers')).toBe('yes');
      const label = await kubectl(
        ['label', 'node', node(), 'k=v', '--as', 'reader', '--as-group', 'readers'],
        {
          kubeconfig: cfg,
        },
      );
      // kubectl label reads the node first, which readers (list/watch only) may not
      expect(label.stderr).toContain('User "reader" cannot get resource "nodes"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
