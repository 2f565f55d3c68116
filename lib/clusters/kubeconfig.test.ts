import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KubeconfigError } from './errors';
import { listContexts, reduceKubeconfig } from './kubeconfig';

const SECRET = 'tok-SUPER-SECRET-123';
const KEY = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnNlY3JldC1rZXk=';

const kubeconfig = (userExtra = '', clusterExtra = '', current = 'prod') => `apiVersion: v1
kind: Config
current-context: ${current}
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443/
    certificate-authority-data: Q0E=${clusterExtra}
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
contexts:
- name: prod
  context: { cluster: prod-cluster, user: prod-user, namespace: kube-system }
- name: dev
  context: { cluster: dev-cluster, user: dev-user }
users:
- name: prod-user
  user:
    token: ${SECRET}${userExtra}
- name: dev-user
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: ${KEY}
`;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KubeconfigError);
    expect((err as Error).message).not.toContain(SECRET);
    return (err as KubeconfigError).code;
  }
  throw new Error('expected a KubeconfigError');
}

describe('reduceKubeconfig', () => {
  it('keeps only the current context, inline credentials, and normalises the server', () => {
    const r = reduceKubeconfig(kubeconfig());
    expect(r).toMatchObject({
      context: 'prod',
      server: 'https://prod.example:6443',
      authKind: 'token',
      insecureSkipTlsVerify: false,
    });
    const doc = load(r.yaml) as {
      contexts: unknown[];
      users: Array<{ user: Record<string, string> }>;
      clusters: unknown[];
    };
    expect(doc.contexts).toHaveLength(1);
    expect(doc.clusters).toHaveLength(1);
    expect(doc.users[0]!.user).toEqual({ token: SECRET });
    expect(r.yaml).not.toContain('dev.example');
    expect(r.yaml).not.toContain(KEY);
  });

  it('picks a requested context and detects client-certificate auth', () => {
    const r = reduceKubeconfig(kubeconfig(), 'dev');
    expect(r).toMatchObject({
      context: 'dev',
      server: 'https://dev.example:6443',
      authKind: 'client-certificate',
    });
    expect(r.yaml).toContain(KEY);
    expect(r.yaml).not.toContain(SECRET);
  });

  it('bad YAML: clear message with position, never the source snippet', () => {
    const broken = `users:\n- name: u\n  user:\n    token: ${SECRET}\n   bad: [`;
    expect(codeOf(() => reduceKubeconfig(broken))).toBe('invalid_yaml');
    expect(() => reduceKubeconfig(broken)).toThrow(/not valid YAML: .*\(line \d+, column \d+\)/);
    expect(codeOf(() => reduceKubeconfig('   '))).toBe('invalid_yaml');
    expect(codeOf(() => reduceKubeconfig('just a string'))).toBe('invalid_kubeconfig');
  });

  it('unknown or missing context lists the available ones', () => {
    expect(codeOf(() => reduceKubeconfig(kubeconfig(), 'staging'))).toBe('unknown_context');
    expect(() => reduceKubeconfig(kubeconfig(), 'staging')).toThrow(
      "context 'staging' is not in the kubeconfig; available: prod, dev",
    );
    expect(() => reduceKubeconfig(kubeconfig('', '', 'gone'))).toThrow(
      /no usable current-context; pick one of: prod, dev/,
    );
  });

  it('refuses exec/auth-provider plugins and server-side file paths', () => {
    const exec = kubeconfig(
      '\n    exec:\n      command: /bin/sh\n      apiVersion: client.authentication.k8s.io/v1',
    );
    expect(codeOf(() => reduceKubeconfig(exec))).toBe('unsupported_auth');
    expect(() => reduceKubeconfig(exec)).toThrow(/users\.prod-user\.exec: exec credential plugins/);
    expect(codeOf(() => reduceKubeconfig(kubeconfig('\n    tokenFile: /etc/shadow')))).toBe(
      'unsupported_auth',
    );
    expect(codeOf(() => reduceKubeconfig(kubeconfig('', '\n    certificate-authority: /etc/ca.pem')))).toBe(
      'unsupported_auth',
    );
  });

  it('structural errors name the field', () => {
    expect(() => reduceKubeconfig('clusters: {}\ncontexts: []\nusers: []')).toThrow(
      "kubeconfig: 'clusters' must be a list",
    );
    const noCluster = kubeconfig().replace('cluster: prod-cluster', 'cluster: nope');
    expect(() => reduceKubeconfig(noCluster)).toThrow("context 'prod' refers to a missing cluster 'nope'");
    const badServer = kubeconfig().replace('https://prod.example:6443/', 'ftp://x');
    expect(() => reduceKubeconfig(badServer)).toThrow('clusters.prod-cluster.server must be an http(s) URL');
    expect(codeOf(() => reduceKubeconfig('x'.repeat(600 * 1024)))).toBe('too_large');
    const userinfo = kubeconfig().replace('https://prod.example', 'https://admin:hunter2@prod.example');
    expect(() => reduceKubeconfig(userinfo)).toThrow(
      'clusters.prod-cluster.server must not contain credentials',
    );
    const notBool = kubeconfig('', '\n    insecure-skip-tls-verify: [1, 2]');
    expect(() => reduceKubeconfig(notBool)).toThrow(
      'clusters.prod-cluster.insecure-skip-tls-verify must be a boolean',
    );
    const aliasBomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n${kubeconfig().replace('token: ' + SECRET, 'token: *c')}`;
    expect(() => reduceKubeconfig(aliasBomb)).toThrow('users.prod-user.token must be a string');
  });

  it('listContexts', () => {
    expect(listContexts(kubeconfig())).toEqual({ contexts: ['prod', 'dev'], current: 'prod' });
  });
});
