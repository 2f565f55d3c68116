import { describe, expect, it } from 'vitest';
import { loadKubeConfig } from '@/lib/realtime/kube-transport';
import { actingKubeConfig } from './acting-kubeconfig';
import { IdentityError, IdentityService, type ActingUser } from './identity-service';

const yaml = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]
users: [{ name: u, user: { token: kubeconfig-token } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;
const kc = loadKubeConfig(yaml);
const headersOf = async (k: typeof kc) => {
  const opts: { headers?: Record<string, unknown> } = {};
  await k.applyToHTTPSOptions(opts as never);
  return opts.headers ?? {};
};
const alice: ActingUser = {
  username: 'alice',
  role: 'operator',
  groups: ['ops', 'labelers'],
  sessionId: 's1',
};

describe('actingKubeConfig', () => {
  it('impersonates with one header per group and keeps the kubeconfig credentials', async () => {
    const view = actingKubeConfig(kc, { kind: 'impersonate', user: 'alice', groups: ['a', 'b'] });
    expect(await headersOf(view)).toEqual({
      Authorization: 'Bearer kubeconfig-token',
      'Impersonate-User': 'alice',
      'Impersonate-Group': ['a', 'b'],
    });
    // the original is untouched
    expect(await headersOf(kc)).toEqual({ Authorization: 'Bearer kubeconfig-token' });
  });

  it("replaces the credentials with the user's token, asked for on every request", async () => {
    let n = 0;
    const view = actingKubeConfig(kc, { kind: 'token', token: () => Promise.resolve(`id-${++n}`) });
    expect(await headersOf(view)).toEqual({ Authorization: 'Bearer id-1' });
    expect(await headersOf(view)).toEqual({ Authorization: 'Bearer id-2' });
  });
});

describe('IdentityService', () => {
  const service = () =>
    new IdentityService({
      kubeConfig: () => kc,
      roleGroups: { operator: 'knm:operators', viewer: 'knm:viewers' },
      idToken: (sid) => Promise.resolve(`token-of-${sid}`),
    });

  it("impersonates the username in the provider's groups plus the role's group, deduplicated", () => {
    const s = service();
    expect(s.impersonation(alice)).toEqual({ user: 'alice', groups: ['ops', 'labelers', 'knm:operators'] });
    expect(s.impersonation({ ...alice, role: 'admin', groups: ['ops', 'ops'] })).toEqual({
      user: 'alice',
      groups: ['ops'],
    });
  });

  it('picks the KubeConfig by mode: shared is the kubeconfig itself, unknown clusters are shared', async () => {
    const s = service();
    expect(s.mode('prod')).toBe('shared');
    expect(s.kubeConfig('prod', alice)).toBe(kc);
    s.setMode('prod', 'impersonate');
    expect((await headersOf(s.kubeConfig('prod', alice)))['Impersonate-User']).toBe('alice');
    expect(s.kubeConfig('prod')).toBe(kc); // no user: the app's own identity (informers, fallbacks)
    s.setMode('prod', 'oidc-token');
    expect((await headersOf(s.kubeConfig('prod', alice))).Authorization).toBe('Bearer token-of-s1');
    s.dropCluster('prod');
    expect(s.mode('prod')).toBe('shared');
  });

  it('oidc-token mode refuses a caller without a single sign-on session', () => {
    const s = service();
    s.setMode('prod', 'oidc-token');
    const { sessionId: _none, ...tokenCaller } = alice;
    expect(() => s.kubeConfig('prod', tokenCaller)).toThrow(IdentityError);
    expect(s.describe('prod', alice)).toBe('user alice');
  });
});
