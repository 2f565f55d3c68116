import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsTestClient } from '@/lib/push/testing/clients';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './helpers/app-server';
import { kubectlBinary } from './helpers/kubectl';
import { findObject, renderKustomization, type K8sObject } from './helpers/manifests';
import { client, login } from './helpers/session';

/**
 * The app as it runs in a pod: KUBERNETES_SERVICE_HOST/PORT point at the simulator (RBAC on) and
 * the ServiceAccount directory holds a token bound to exactly the ClusterRole rendered from deploy/base.
 */
let sim: Simulator;
let app: AppServer;
let api: ReturnType<typeof client>;
let cookie: string;
let saDir: string;
let role: IClusterRole & K8sObject;
let namespace: string;
let account: string;
let token: string;
const base = '/api/v1/clusters/in-cluster/nodes';

/** Replaces the file the way the kubelet updates a projected volume: a new file renamed into place. */
function writeAtomically(file: string, content: string) {
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

/** Edits the live ClusterRole in the simulator; RBAC is evaluated per request, so it applies at once. */
function setRules(rules: IClusterRole['rules']) {
  sim.store.mutate('clusterroles', undefined, role.metadata.name, (r) => {
    r.rules = rules;
  });
}
function without(resource: string, verb: string): IClusterRole['rules'] {
  return role.rules!.map((r) =>
    r.resources?.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r,
  );
}

describe.skipIf(!kubectlBinary())(
  'in-cluster mode with the least-privilege ClusterRole from deploy/base',
  () => {
    beforeAll(async () => {
      sim = await startSimulator({ nodes: 6, podsPerNode: 3, seed: 7, rbac: true, podGracePeriodSeconds: 0 });
      const objects = await renderKustomization('base');
      role = findObject(objects, 'ClusterRole');
      const binding = findObject(objects, 'ClusterRoleBinding');
      const sa = findObject(objects, 'ServiceAccount');
      namespace = sa.metadata.namespace!;
      account = sa.metadata.name;
      sim.store.create('namespaces', { metadata: { name: namespace } });
      sim.store.create('clusterroles', role);
      sim.store.create('clusterrolebindings', binding);
      sim.rbac.ensureServiceAccount(namespace, account);
      token = sim.rbac.issueToken(namespace, account).token;

      saDir = mkdtempSync(path.join(os.tmpdir(), 'knm-sa-'));
      writeFileSync(path.join(saDir, 'token'), token);
      writeFileSync(path.join(saDir, 'ca.crt'), sim.caPem!);
      writeFileSync(path.join(saDir, 'namespace'), namespace);
      app = await startApp({
        DEMO_CLUSTER: 'false',
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: new URL(sim.url).port,
        SERVICE_ACCOUNT_DIR: saDir,
      });
      cookie = await login(app, 'admin', 'admin-password-1');
      api = client(app, cookie);
      await eventually(
        async () => {
          const r = await api('GET', '/api/readyz');
          return (
            r.status === 200 &&
            r.json.clusters.some(
              (c: { name: string; state: string }) => c.name === 'in-cluster' && c.state === 'ready',
            )
          );
        },
        'the in-cluster cluster to sync',
        30_000,
      );
    }, 120_000);
    afterAll(async () => {
      await app?.stop();
      await sim?.close();
      if (saDir) rmSync(saDir, { recursive: true, force: true });
    });

    it('lists, watches, labels, taints, cordons and shows node detail with only the granted verbs', async () => {
      const list = await api('GET', base);
      expect(list.status).toBe(200);
      expect(list.json.total).toBe(6);
      const node = sim.store.nodeNames().sort()[1]!;
      // the table's usage column: a small cluster is sampled with one NodeMetrics list
      const usage = await api('GET', `/api/v1/clusters/in-cluster/node-usage?names=${node}`);
      expect(usage.json.unavailable, JSON.stringify(usage.json)).toBeUndefined();
      expect(Object.keys(usage.json.usage)).toEqual([node]);

      const ws = await WsTestClient.open(`ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=in-cluster`, {
        headers: { cookie },
        origin: app.origin,
      });
      await ws.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed');
      sim.store.setNodeLabels(node, { watched: 'yes' });
      await ws.waitFor((m) => m.type === 'node_update' && m.node_name === node, 5000, 'watched change');
      ws.close();

      const label = await api('POST', `${base}/${node}/labels`, { set: { team: 'infra' } });
      expect(label.status, JSON.stringify(label.json)).toBe(200);
      expect(sim.store.getNode(node).metadata.labels?.team).toBe('infra');
      const taint = await api('POST', `${base}/${node}/taints`, {
        add: [{ key: 'gpu', effect: 'NoSchedule' }],
      });
      expect(taint.status, JSON.stringify(taint.json)).toBe(200);
      const cordon = await api('POST', `${base}/${node}/cordon`, { reason: 'test' });
      expect(cordon.status).toBe(200);
      expect((sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable).toBe(true);
      expect((await api('POST', `${base}/${node}/uncordon`)).status).toBe(200);

      const detail = await api('GET', `${base}/${node}`);
      expect(detail.status, JSON.stringify(detail.json)).toBe(200);
      expect(detail.json.pods.length).toBeGreaterThan(0);
      expect(detail.json.metrics?.cpu).toBeDefined();
    });

    it('drains through evictions, held by a PodDisruptionBudget until it allows', async () => {
      const node = sim.store.nodeNames().sort()[2]!;
      const appPods = () =>
        sim.store
          .listPods({ fieldSelector: `spec.nodeName=${node}` })
          .filter((p) => p.metadata.namespace !== 'kube-system');
      expect(appPods().length).toBeGreaterThan(0);
      sim.store.create(
        'poddisruptionbudgets',
        {
          metadata: { name: 'hold' },
          spec: { minAvailable: 1000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
        },
        'apps',
      );
      const r = await api('POST', `${base}/${node}/drain`, {
        ignoreDaemonSets: true,
        deleteEmptyDirData: true,
        timeoutSeconds: 60,
      });
      expect(r.status, JSON.stringify(r.json)).toBe(202);
      const id = r.json.operation.id as string;
      await eventually(
        () => (sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable,
        'the node to be cordoned',
      );
      // evictions are being refused (429) meanwhile; nothing may go around the budget
      await new Promise((r) => setTimeout(r, 2000));
      expect((await api('GET', `/api/v1/operations/${id}`)).json.operation.state).toBe('running');
      expect(appPods().length).toBeGreaterThan(0);
      sim.store.delete('poddisruptionbudgets', 'apps', 'hold');
      const done = await eventually(
        async () => {
          const op = (await api('GET', `/api/v1/operations/${id}`)).json.operation;
          return op.state !== 'running' && op;
        },
        'drain to finish',
        30_000,
      );
      expect(done.state, JSON.stringify(done.results)).toBe('succeeded');
      expect(appPods()).toEqual([]);
    }, 60_000);

    it('one verb removed from the role: the matching action fails with a 403 that names it', async () => {
      const node = sim.store.nodeNames().sort()[3]!;
      try {
        setRules(without('nodes', 'patch'));
        const label = await api('POST', `${base}/${node}/labels`, { set: { denied: 'yes' } });
        expect(label.status).toBe(403);
        expect(label.json.error.message).toBe(
          `node ${node}: the cluster denies user system:serviceaccount:${namespace}:${account}: patch nodes`,
        );
        expect(label.json.error.details.clusterMessage).toContain(
          `nodes "${node}" is forbidden: User "system:serviceaccount:${namespace}:${account}" cannot patch resource "nodes" in API group "" at the cluster scope`,
        );
        expect(sim.store.getNode(node).metadata.labels?.denied).toBeUndefined();

        setRules(without('pods/eviction', 'create'));
        const drain = await api('POST', `${base}/${node}/drain`, {
          ignoreDaemonSets: true,
          deleteEmptyDirData: true,
          timeoutSeconds: 20,
        });
        expect(drain.status).toBe(202);
        const failed = await eventually(
          async () => {
            const op = (await api('GET', `/api/v1/operations/${drain.json.operation.id}`)).json.operation;
            return op.state !== 'running' && op;
          },
          'drain to fail',
          30_000,
        );
        expect(failed.state).toBe('failed');
        expect(JSON.stringify(failed.results)).toContain(
          `the cluster denies user system:serviceaccount:${namespace}:${account}: create pods/eviction`,
        );
      } finally {
        setRules(role.rules);
        await api('POST', `${base}/${node}/uncordon`);
      }
    }, 60_000);

    it('the token file is rotated and the old token revoked: informers carry on and no change is lost', async () => {
      const ws = await WsTestClient.open(`ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=in-cluster`, {
        headers: { cookie },
        origin: app.origin,
      });
      await ws.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed');
      const next = sim.rbac.issueToken(namespace, account).token;
      writeAtomically(path.join(saDir, 'token'), next);
      expect(sim.rbac.revokeToken(token)).toBe(true);
      // kube-apiserver ends long watches on its own schedule; end them now, so the informers must
      // come back with a token the server still accepts
      sim.faults.cutWatches();
      const nodes = sim.store.nodeNames().sort();
      for (const [i, n] of nodes.entries()) sim.store.setNodeLabels(n, { rotation: String(i) });

      for (const [i, n] of nodes.entries())
        await ws.waitFor(
          (m) =>
            m.type === 'node_update' &&
            m.node_name === n &&
            (m.data as { labels: Record<string, string> }).labels.rotation === String(i),
          20_000,
          `change ${i} after rotation`,
        );
      const seqs = ws.nodeSeqs('in-cluster');
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(ws.messages.some((m) => m.type === 'resync')).toBe(false);
      ws.close();

      // the revoked token cannot have served the new watches: the informers re-read the file
      expect(sim.rbac.uses(next)).toBeGreaterThan(0);
      const label = await api('POST', `${base}/${nodes[0]}/labels`, { set: { after: 'rotation' } });
      expect(label.status, JSON.stringify(label.json)).toBe(200);
      // the pod informer recovers the same way (it may still be in its retry backoff here)
      await eventually(
        async () => (await api('GET', '/api/readyz')).json.clusters[0]?.state === 'ready',
        'both informers watching again',
        20_000,
      );
    }, 60_000);
  },
);
