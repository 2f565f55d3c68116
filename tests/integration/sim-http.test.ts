import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '@/lib/sim';
import { openWatch, request, waitFor } from './sim-http-helpers';

describe('simulator HTTP API', () => {
  let sim: Simulator;
  let node: string;
  beforeAll(async () => {
    sim = await startSimulator({ nodes: 4, podsPerNode: 3, seed: 11 });
    node = sim.store.nodeNames().sort()[1]!;
  });
  afterAll(async () => {
    await sim.close();
  });

  it('serves discovery incl. pods/eviction and API groups', async () => {
    expect((await request(sim, 'GET', '/version', { token: null })).json.gitVersion).toMatch(/^v1\.31/);
    const core = await request(sim, 'GET', '/api/v1', {
      accept: 'application/vnd.kubernetes.protobuf,application/json',
    });
    expect(core.status).toBe(200);
    expect(core.headers['content-type']).toBe('application/json');
    const ev = core.json.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    expect(ev).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction' });
    const apis = await request(sim, 'GET', '/apis');
    expect(apis.json.groups.map((g: { name: string }) => g.name)).toEqual([
      'apps',
      'policy',
      'coordination.k8s.io',
      'metrics.k8s.io',
      'rbac.authorization.k8s.io',
      'authorization.k8s.io',
    ]);
    const metrics = await request(sim, 'GET', '/apis/metrics.k8s.io/v1beta1');
    expect(metrics.json.resources.map((r: { kind: string }) => r.kind)).toContain('NodeMetrics');
  });

  it('401 without/with wrong token, 403 for read-only writes, Status bodies', async () => {
    const r1 = await request(sim, 'GET', '/api/v1/nodes', { token: null });
    expect(r1.status).toBe(401);
    expect(r1.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
    expect((await request(sim, 'GET', '/api/v1/nodes', { token: 'wrong' })).status).toBe(401);
    const r3 = await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      token: sim.readOnlyToken,
      body: { metadata: { labels: { a: 'b' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(r3.status).toBe(403);
    expect(r3.json).toMatchObject({ reason: 'Forbidden', code: 403, details: { name: node, kind: 'nodes' } });
    expect(r3.json.message).toBe(
      `nodes "${node}" is forbidden: User "sim-readonly" cannot patch resource "nodes" in API group "" at the cluster scope`,
    );
    expect(
      (await request(sim, 'POST', '/_sim/faults', { token: sim.readOnlyToken, body: { action: 'clear' } }))
        .status,
    ).toBe(403);
  });

  it('patch: 415 unknown type, 422 failing json patch, 422 invalid labels with causes', async () => {
    const r1 = await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      body: { a: 1 },
      contentType: 'application/apply-patch+yaml',
    });
    expect(r1.status).toBe(415);
    expect(r1.json.reason).toBe('UnsupportedMediaType');
    const rv = sim.store.getNode(node).metadata.resourceVersion;
    const r2 = await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      body: [
        { op: 'test', path: '/metadata/labels/kubernetes.io~1os', value: 'windows' },
        { op: 'add', path: '/metadata/labels/x', value: 'y' },
      ],
      contentType: 'application/json-patch+json',
    });
    expect(r2.status).toBe(422);
    const r3 = await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      body: { metadata: { labels: { 'a/b/c': 'x' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(r3.status).toBe(422);
    expect(r3.json.details.causes[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'metadata.labels',
    });
    expect(sim.store.getNode(node).metadata.resourceVersion).toBe(rv);
    const ok = await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      body: [
        { op: 'test', path: '/metadata/labels/kubernetes.io~1os', value: 'linux' },
        { op: 'add', path: '/metadata/labels/x', value: 'y' },
      ],
      contentType: 'application/json-patch+json',
    });
    expect(ok.status).toBe(200);
    expect(ok.json.metadata.labels.x).toBe('y');
    expect(
      (
        await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
          body: '{nope',
          contentType: 'application/merge-patch+json',
        })
      ).status,
    ).toBe(400);
  });

  it('watch: selector transitions give ADDED/DELETED; sendInitialEvents → 422; timeoutSeconds ends the stream', async () => {
    const w = openWatch(
      sim,
      `/api/v1/nodes?watch=true&labelSelector=sel%3Dyes&resourceVersion=${sim.store.resourceVersion}`,
    );
    expect(await w.status).toBe(200);
    sim.store.setNodeLabels(node, { sel: 'yes' });
    sim.store.setNodeLabels(node, { sel: 'yes', other: '1' });
    sim.store.setNodeLabels(node, { sel: 'no' });
    await waitFor(() => w.events.length === 3);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(w.events[2]!.object.metadata.labels.sel).toBe('yes');
    expect(w.events[2]!.object.metadata.resourceVersion).toBe(
      sim.store.getNode(node).metadata.resourceVersion,
    );
    w.close();

    const r = await request(
      sim,
      'GET',
      '/api/v1/nodes?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    expect(r.status).toBe(422);

    const t0 = Date.now();
    const w2 = openWatch(sim, '/api/v1/nodes?watch=1&timeoutSeconds=1');
    await w2.ended;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(w2.events.filter((e) => e.type === 'ADDED')).toHaveLength(4);
  });

  it('faults over HTTP: failNext 429/500 with Retry-After, latency, stall', async () => {
    expect(
      (await request(sim, 'POST', '/_sim/faults', { body: { action: 'failNext', n: 2, status: 429 } }))
        .status,
    ).toBe(200);
    const a = await request(sim, 'GET', '/api/v1/nodes');
    expect(a.status).toBe(429);
    expect(a.headers['retry-after']).toBe('1');
    expect((await request(sim, 'GET', '/api/v1/nodes')).status).toBe(429);
    expect((await request(sim, 'GET', '/api/v1/nodes')).status).toBe(200);
    sim.faults.failNext(1, 500);
    expect((await request(sim, 'GET', '/api/v1/nodes')).json.reason).toBe('InternalError');
    expect(sim.faults.served()).toEqual({ 500: 1, 429: 2 });
    expect((await request(sim, 'POST', '/_sim/faults', { body: { action: 'bogus' } })).status).toBe(400);
    sim.faults.setLatency(150);
    const t0 = Date.now();
    await request(sim, 'GET', '/api/v1/nodes');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    sim.faults.setLatency(0);

    const w = openWatch(sim, `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`);
    await w.status;
    sim.faults.stallWatches();
    sim.store.setNodeLabels(node, { stalled: 'yes' });
    await new Promise((r) => setTimeout(r, 100));
    expect(w.events).toEqual([]);
    sim.faults.cutWatches({ abrupt: true });
    await w.ended;
  });

  it('pods: field selectors, graceful delete, eviction blocked by PDB (429) then allowed', async () => {
    const onNode = await request(
      sim,
      'GET',
      `/api/v1/pods?fieldSelector=spec.nodeName%3D${node},status.phase!%3DSucceeded`,
    );
    expect(onNode.json.items).toHaveLength(3);
    const ds = await request(sim, 'GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy');
    expect(ds.status).toBe(200);
    const daemonPod = onNode.json.items.find(
      (p: { metadata: { namespace: string } }) => p.metadata.namespace === 'kube-system',
    );
    expect(daemonPod.metadata.ownerReferences[0]).toMatchObject({
      kind: 'DaemonSet',
      name: 'kube-proxy',
      uid: ds.json.metadata.uid,
    });

    const pod = onNode.json.items.find(
      (p: { metadata: { namespace: string } }) => p.metadata.namespace === 'apps',
    );
    const app = pod.metadata.labels.app;
    const total = sim.store.listPods({ namespace: 'apps', labelSelector: `app=${app}` }).length;
    const pdb = await request(sim, 'POST', '/apis/policy/v1/namespaces/apps/poddisruptionbudgets', {
      body: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'guard' },
        spec: { minAvailable: total, selector: { matchLabels: { app } } },
      },
    });
    expect(pdb.status).toBe(201);
    const got = await request(sim, 'GET', '/apis/policy/v1/namespaces/apps/poddisruptionbudgets/guard');
    expect(got.json.status).toMatchObject({
      disruptionsAllowed: 0,
      currentHealthy: total,
      desiredHealthy: total,
      expectedPods: total,
    });
    const evictPath = `/api/v1/namespaces/apps/pods/${pod.metadata.name}/eviction`;
    const evictBody = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: pod.metadata.name, namespace: 'apps' },
    };
    const blocked = await request(sim, 'POST', evictPath, { body: evictBody });
    expect(blocked.status).toBe(429);
    expect(blocked.json.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(blocked.json.details.causes[0].reason).toBe('DisruptionBudget');

    await request(sim, 'PATCH', '/apis/policy/v1/namespaces/apps/poddisruptionbudgets/guard', {
      body: { spec: { minAvailable: 0 } },
      contentType: 'application/merge-patch+json',
    });
    const w = openWatch(
      sim,
      `/api/v1/namespaces/apps/pods?watch=true&fieldSelector=metadata.name%3D${pod.metadata.name}&resourceVersion=${sim.store.resourceVersion}`,
    );
    await w.status;
    const ok = await request(sim, 'POST', evictPath, { body: evictBody });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ kind: 'Status', status: 'Success', code: 201 });
    const terminating = await request(sim, 'GET', `/api/v1/namespaces/apps/pods/${pod.metadata.name}`);
    expect(terminating.json.metadata.deletionTimestamp).toBeTruthy();
    await waitFor(() => w.events.some((e) => e.type === 'DELETED'), 4000);
    expect((await request(sim, 'GET', `/api/v1/namespaces/apps/pods/${pod.metadata.name}`)).status).toBe(404);
    w.close();
  });

  it('node metrics, leases and events endpoints', async () => {
    const m = await request(sim, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes');
    expect(m.json.items).toHaveLength(4);
    expect(m.json.items[0].usage.cpu).toMatch(/^\d+n$/);
    const lease = await request(
      sim,
      'GET',
      `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`,
    );
    expect(lease.json.spec.holderIdentity).toBe(node);
    await request(sim, 'PATCH', `/api/v1/nodes/${node}`, {
      body: { spec: { unschedulable: true } },
      contentType: 'application/strategic-merge-patch+json',
    });
    const evs = await request(
      sim,
      'GET',
      `/api/v1/events?fieldSelector=involvedObject.kind%3DNode,involvedObject.name%3D${node}`,
    );
    expect(evs.status).toBe(200);
    expect(evs.json.items.map((e: { reason: string }) => e.reason)).toContain('NodeNotSchedulable');
  });

  it('server-side Table output for nodes and pods, includeObject variants, Table watch', async () => {
    const accept =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
    const t = await request(sim, 'GET', '/api/v1/nodes', { accept });
    expect(t.json.kind).toBe('Table');
    expect(t.json.apiVersion).toBe('meta.k8s.io/v1');
    expect(
      t.json.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
    ).toEqual([
      'Name:0',
      'Status:0',
      'Roles:0',
      'Age:0',
      'Version:0',
      'Internal-IP:1',
      'External-IP:1',
      'OS-Image:1',
      'Kernel-Version:1',
      'Container-Runtime:1',
    ]);
    expect(t.json.rows).toHaveLength(4);
    expect(t.json.rows[0].object.kind).toBe('PartialObjectMetadata');
    expect(t.json.rows[0].object.metadata.managedFields).toBeUndefined();
    const full = await request(sim, 'GET', '/api/v1/nodes?includeObject=Object', { accept });
    expect(full.json.rows[0].object.kind).toBe('Node');
    const none = await request(sim, 'GET', `/api/v1/nodes/${node}?includeObject=None`, { accept });
    expect(none.json.rows).toEqual([{ cells: expect.arrayContaining([node]) }]);
    const pods = await request(sim, 'GET', '/api/v1/namespaces/kube-system/pods', { accept });
    expect(pods.json.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(pods.json.rows[0].cells[1]).toBe('1/1');

    const partial = await request(sim, 'GET', '/api/v1/nodes', {
      accept:
        'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    });
    expect(partial.json.kind).toBe('PartialObjectMetadataList');
    expect(partial.json.items[0]).toMatchObject({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
    });
    expect(partial.json.items[0].spec).toBeUndefined();

    const w = openWatch(
      sim,
      `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`,
      sim.adminToken,
      accept,
    );
    await w.status;
    sim.store.cordonNode(node, false);
    sim.store.cordonNode(node, true);
    await waitFor(() => w.events.some((e) => e.object.rows?.[0]?.cells?.[1] === 'Ready,SchedulingDisabled'));
    expect(w.events[0]!.object.kind).toBe('Table');
    w.close();
  });
});
