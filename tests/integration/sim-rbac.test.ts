import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '@/lib/sim';
import { kubectl, kubectlBinary } from './helpers/kubectl';
import { request } from './sim-http-helpers';

const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: node-labeler }
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: node-labeler }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-labeler }
subjects:
- { kind: ServiceAccount, name: app, namespace: knm }
`;

describe.skipIf(!kubectlBinary())('simulator RBAC, driven by real kubectl', () => {
  let sim: Simulator;
  let dir: string;
  let admin: string;
  const saConfig = (token: string) => {
    const file = path.join(dir, `sa-${token.slice(-6)}`);
    writeFileSync(file, sim.kubeconfig({ token, contextName: 'sa' }), { mode: 0o600 });
    return file;
  };

  beforeAll(async () => {
    sim = await startSimulator({ nodes: 3, rbac: true });
    dir = mkdtempSync(path.join(tmpdir(), 'sim-rbac-'));
    admin = path.join(dir, 'admin');
    writeFileSync(admin, sim.kubeconfig(), { mode: 0o600 });
    writeFileSync(path.join(dir, 'role.yaml'), role);
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a ServiceAccount token from `kubectl create token` may do what its ClusterRole allows, and no more', async () => {
    expect((await kubectl(['create', 'namespace', 'knm'], { kubeconfig: admin })).code).toBe(0);
    expect(
      (await kubectl(['-n', 'knm', 'create', 'serviceaccount', 'app'], { kubeconfig: admin })).code,
    ).toBe(0);
    const created = await kubectl(['create', '--validate=false', '-f', path.join(dir, 'role.yaml')], {
      kubeconfig: admin,
    });
    expect(created.code, created.stderr).toBe(0);
    const token = await kubectl(['-n', 'knm', 'create', 'token', 'app'], { kubeconfig: admin });
    expect(token.code, token.stderr).toBe(0);
    const sa = saConfig(token.stdout.trim());

    const canI = async (...args: string[]) =>
      (await kubectl(['auth', 'can-i', ...args], { kubeconfig: sa })).stdout.trim();
    expect(await canI('patch', 'nodes')).toBe('yes');
    expect(await canI('watch', 'nodes')).toBe('yes');
    expect(await canI('delete', 'nodes')).toBe('no');
    expect(await canI('create', 'pods/eviction', '-n', 'apps')).toBe('no');

    const node = sim.store.nodeNames()[0]!;
    expect((await kubectl(['get', 'nodes'], { kubeconfig: sa })).code).toBe(0);
    expect((await kubectl(['label', 'node', node, 'team=a'], { kubeconfig: sa })).code).toBe(0);
    expect(sim.store.getNode(node).metadata.labels?.team).toBe('a');
    const pods = await kubectl(['get', 'pods', '-A'], { kubeconfig: sa });
    expect(pods.code).not.toBe(0);
    expect(pods.stderr).toContain(
      'pods is forbidden: User "system:serviceaccount:knm:app" cannot list resource "pods" in API group "" at the cluster scope',
    );
    const del = await kubectl(['delete', 'node', node], { kubeconfig: sa });
    expect(del.stderr).toContain(
      `nodes "${node}" is forbidden: User "system:serviceaccount:knm:app" cannot delete resource "nodes" in API group "" at the cluster scope`,
    );
    expect(sim.store.tryGet('nodes', undefined, node)).toBeDefined();

    // the role changes under a live token: the next request sees the change
    sim.store.mutate('clusterroles', undefined, 'node-labeler', (r) => {
      (r.rules as Array<{ verbs: string[] }>)[0]!.verbs = ['get', 'list', 'watch'];
    });
    expect(await canI('patch', 'nodes')).toBe('no');
    const label = await kubectl(['label', 'node', node, 'team=b', '--overwrite'], { kubeconfig: sa });
    expect(label.stderr).toContain('cannot patch resource "nodes"');
  });

  it('a revoked token, or one whose ServiceAccount was deleted, gets 401', async () => {
    sim.rbac.ensureServiceAccount('knm', 'short');
    const { token } = sim.rbac.issueToken('knm', 'short');
    const sa = saConfig(token);
    expect((await kubectl(['auth', 'can-i', 'get', 'nodes'], { kubeconfig: sa })).stdout.trim()).toBe('no');
    sim.rbac.revokeToken(token);
    const after = await kubectl(['get', 'nodes'], { kubeconfig: sa });
    expect(after.stderr).toMatch(/Unauthorized/);

    const second = sim.rbac.issueToken('knm', 'short').token;
    expect((await request(sim, 'GET', '/api', { token: second })).status).toBe(200);
    expect(
      (await kubectl(['-n', 'knm', 'delete', 'serviceaccount', 'short'], { kubeconfig: admin })).code,
    ).toBe(0);
    expect((await request(sim, 'GET', '/api', { token: second })).status).toBe(401);
  });

  it('SelfSubjectAccessReview over HTTP names the allowing binding', async () => {
    sim.rbac.ensureServiceAccount('knm', 'app');
    const { token } = sim.rbac.issueToken('knm', 'app');
    const review = await request(sim, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      token,
      body: { spec: { resourceAttributes: { verb: 'list', resource: 'nodes' } } },
    });
    expect(review.status).toBe(201);
    expect(review.json.status).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "node-labeler" of ClusterRole "node-labeler" to ServiceAccount "app/knm"',
    });
  });

  it('off by default: no ServiceAccount tokens, and the admin and read-only tokens behave as before', async () => {
    const plain = await startSimulator({ nodes: 1 });
    try {
      expect(() => plain.rbac.issueToken('default', 'x')).toThrow(/without rbac/);
      const tr = await request(plain, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
        body: {},
      });
      expect(tr.status).toBe(404);
      expect((await request(plain, 'GET', '/api/v1/nodes', { token: plain.readOnlyToken })).status).toBe(200);
      expect(plain.store.count('clusterroles')).toBe(0);
    } finally {
      await plain.close();
    }
  });
});
