import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KObj } from '@/lib/sim';
import { eventually } from './helpers/app-server';
import { startSimApp, type SimApp } from './helpers/sim-app';

let t: SimApp;
let names: string[];
const labelsOf = (n: KObj) => n.metadata.labels ?? {};
const base = '/api/v1/clusters/sim/nodes';

beforeAll(async () => {
  t = await startSimApp({ nodes: 220, podsPerNode: 2 });
  names = t.sim.store.nodeNames().sort();
}, 120_000);
afterAll(() => t?.close());

describe('reads', () => {
  it('lists every node from the cache with seq and metadata, and filters, sorts and pages', async () => {
    const all = await t.api('GET', base);
    expect(all.status).toBe(200);
    expect(all.json).toMatchObject({ cluster: 'sim', source: 'cache', synced: true, total: 220 });
    expect(all.json.items).toHaveLength(220);
    expect(typeof all.json.seq).toBe('number');
    expect(all.json.items[0]).not.toHaveProperty('managedFields');

    const legacy = await t.api('GET', '/api/v1/nodes?cluster_name=sim');
    expect(legacy.json.total).toBe(220);

    const page = await t.api('GET', `${base}?sort=-name&limit=5&offset=5`);
    expect(page.json.items.map((n: { name: string }) => n.name)).toEqual([...names].reverse().slice(5, 10));

    const sel = await t.api(
      'GET',
      `${base}?labelSelector=${encodeURIComponent(`kubernetes.io/hostname in (${names[0]},${names[1]})`)}`,
    );
    expect(sel.json.items.map((n: { name: string }) => n.name)).toEqual(names.slice(0, 2));
  });

  it('sends the full list gzipped once per version, byte-identical to the plain body, with an ETag that answers 304 until the cluster changes', async () => {
    const raw = (accept: string, etag?: string, path = base) =>
      new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
        (resolve, reject) => {
          const headers: Record<string, string> = {
            cookie: t.cookie,
            'accept-encoding': accept,
            ...(etag ? { 'if-none-match': etag } : {}),
          };
          http
            .get(`${t.app.url}${path}`, { headers }, (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () =>
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
              );
            })
            .on('error', reject);
        },
      );
    const zipped = await raw('gzip, deflate, br');
    const plain = await raw('identity');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    // the route's marker becomes Content-Encoding and is not sent itself; Next did not gzip it again
    expect(zipped.headers['x-knm-content-encoding']).toBeUndefined();
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((await raw('gzip;q=0, identity')).headers['content-encoding']).toBeUndefined();
    expect(zipped.body.length * 3).toBeLessThan(plain.body.length);
    const etag = zipped.headers.etag as string;
    expect(etag).toMatch(/^"sim-\d+"$/);
    expect((await raw('gzip', etag)).status).toBe(304);
    t.sim.store.setNodeLabels(names[5]!, { etag: 'moved' });
    await eventually(async () => (await raw('gzip', etag)).status === 200, 'list to change');
    // the next version is compressed incrementally and still decodes to the plain body
    const [after, afterPlain] = [await raw('gzip'), await raw('')];
    expect(after.headers.etag).toBe(afterPlain.headers.etag);
    expect(gunzipSync(after.body).equals(afterPlain.body)).toBe(true);
    // a filtered page is compressed by the route too, per request
    const page = `${base}?sort=-name&limit=20&status=Ready`;
    const [pageZipped, pagePlain] = [
      await raw('gzip', undefined, page),
      await raw('identity', undefined, page),
    ];
    expect(pageZipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(pageZipped.body).equals(pagePlain.body)).toBe(true);
    const moved = JSON.parse(afterPlain.body.toString()) as {
      items: { name: string; labels: Record<string, string> }[];
    };
    expect(moved.items.find((n) => n.name === names[5])?.labels.etag).toBe('moved');
  });

  it('serves node detail with pods and without managedFields', async () => {
    const r = await t.api('GET', `${base}/${names[3]}`);
    expect(r.status).toBe(200);
    expect(r.json.summary.name).toBe(names[3]);
    expect(r.json.object.metadata.managedFields).toBeUndefined();
    expect(r.json.pods.length).toBeGreaterThan(0);
  });

  it('answers unknown nodes and clusters with 404 and bad queries with 400 naming the field', async () => {
    expect((await t.api('GET', `${base}/no-such-node`)).status).toBe(404);
    expect((await t.api('GET', '/api/v1/clusters/nope/nodes')).status).toBe(404);
    const bad = await t.api('GET', `${base}?sort=colour`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/sort/);
    const sel = await t.api('GET', `${base}?labelSelector=${encodeURIComponent('a in (')}`);
    expect(sel.status).toBe(400);
    expect(sel.json.error.message).toMatch(/labelSelector/);
  });
});

describe('writes', () => {
  it('sets and removes labels, visible in the response, the next read and the cluster', async () => {
    const node = names[10]!;
    const r = await t.api('POST', `${base}/${node}/labels`, { set: { team: 'payments', tier: 'gold' } });
    expect(r.status).toBe(200);
    expect(r.json.node.labels).toMatchObject({ team: 'payments', tier: 'gold' });
    expect(labelsOf(t.sim.store.getNode(node))).toMatchObject({ team: 'payments', tier: 'gold' });
    const r2 = await t.api('POST', `${base}/${node}/labels`, { remove: ['tier'] });
    expect(r2.json.node.labels.tier).toBeUndefined();
    expect(labelsOf(t.sim.store.getNode(node)).tier).toBeUndefined();
  });

  it('adds and removes taints', async () => {
    const node = names[11]!;
    const r = await t.api('POST', `${base}/${node}/taints`, {
      add: [{ key: 'gpu', value: 'a100', effect: 'NoSchedule' }],
    });
    expect(r.status).toBe(200);
    expect(r.json.node.taints).toContainEqual({ key: 'gpu', value: 'a100', effect: 'NoSchedule' });
    const r2 = await t.api('POST', `${base}/${node}/taints`, { remove: [{ key: 'gpu' }] });
    expect(r2.json.node.taints.some((x: { key: string }) => x.key === 'gpu')).toBe(false);
    expect((t.sim.store.getNode(node).spec as { taints?: unknown[] }).taints ?? []).toEqual([]);
  });

  it('cordons with a reason recorded in annotations and uncordons', async () => {
    const node = names[12]!;
    const r = await t.api('POST', `${base}/${node}/cordon`, { reason: 'kernel upgrade' });
    expect(r.status).toBe(200);
    expect(r.json.node.unschedulable).toBe(true);
    expect(r.json.node.annotations['kube-node-manager.io/cordon-reason']).toBe('kernel upgrade');
    expect(r.json.node.annotations['kube-node-manager.io/cordoned-by']).toBe('admin');
    const u = await t.api('POST', `${base}/${node}/uncordon`);
    expect(u.status).toBe(200);
    expect(u.json.node.unschedulable).toBe(false);
    expect(u.json.node.annotations['kube-node-manager.io/cordon-reason']).toBeUndefined();
  });

  it('refuses bad input naming the field and leaves the node unchanged', async () => {
    const node = names[13]!;
    const before = t.sim.store.getNode(node).metadata.resourceVersion;
    const cases: Array<[unknown, number, RegExp]> = [
      [{ set: { 'bad key!': 'x' } }, 422, /set\.bad key!/],
      [{ set: { ok: 'v'.repeat(64) } }, 422, /no more than 63/],
      [{ set: { 'node-role.kubernetes.io/x': '' } }, 422, /system key/],
      [{ sett: { a: 'b' } }, 400, /body/],
      ['{"set": ', 400, /not valid JSON/],
      [
        { set: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'x'.repeat(20)])) },
        413,
        /.+/,
      ],
    ];
    for (const [body, status, msg] of cases) {
      const r = await t.api('POST', `${base}/${node}/labels`, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.json.error.message).toMatch(msg);
    }
    const taint = await t.api('POST', `${base}/${node}/taints`, { add: [{ key: 'a', effect: 'Sometimes' }] });
    expect(taint.status).toBe(400);
    expect(taint.json.error.message).toMatch(/body\.add\.0\.effect/);
    expect((await t.api('POST', `${base}/ghost-node/labels`, { set: { a: 'b' } })).status).toBe(404);
    expect(t.sim.store.getNode(node).metadata.resourceVersion).toBe(before);
  });

  it("maps the cluster's own refusal (403 for read-only credentials) to a clear error naming the node", async () => {
    const added = await t.api('POST', '/api/v1/clusters', {
      name: 'sim-ro',
      kubeconfig: t.sim.kubeconfig({ readOnly: true }),
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    const node = names[15]!;
    const before = t.sim.store.getNode(node).metadata.resourceVersion;
    const r = await eventually(async () => {
      const res = await t.api('POST', `/api/v1/clusters/sim-ro/nodes/${node}/labels`, { set: { ro: 'x' } });
      return res.status !== 503 && res;
    }, 'sim-ro to answer');
    expect(r.status).toBe(403);
    // who was refused and what, in one line (the full kube-apiserver message stays in the details)
    expect(r.json.error).toMatchObject({
      code: 'cluster_denied',
      message: `node ${node}: the cluster denies user sim-readonly: patch nodes`,
    });
    expect(t.sim.store.getNode(node).metadata.resourceVersion).toBe(before);
  });

  it('read-your-writes: the read right after each of 200 mutations shows it', async () => {
    const node = names[14]!;
    for (let i = 0; i < 200; i++) {
      const w = await t.api('POST', `${base}/${node}/labels`, { set: { iteration: String(i) } });
      expect(w.status).toBe(200);
      const r = await t.api('GET', `${base}?text=${node}`);
      expect(r.json.items[0].labels.iteration).toBe(String(i));
    }
  }, 120_000);

  it('a conflict storm never loses a label: every write succeeds after retries or is reported as a conflict', async () => {
    const targets = names.slice(20, 25);
    let tick = 0;
    const storm = setInterval(() => {
      for (const n of targets) t.sim.store.setNodeLabels(n, { storm: String(tick++) });
    }, 100);
    const outcomes: Array<{ node: string; key: string; status: number; code?: string }> = [];
    try {
      await Promise.all(
        targets.flatMap((node) =>
          // two writers per node race each other as well as the storm
          [0, 1].map(async (writer) => {
            for (let i = 0; i < 8; i++) {
              const key = `w${writer}-${i}`;
              const r = await t.api('POST', `${base}/${node}/labels`, { set: { [key]: 'yes' } });
              outcomes.push({ node, key, status: r.status, code: r.json?.error?.code });
            }
          }),
        ),
      );
    } finally {
      clearInterval(storm);
    }
    const ok = outcomes.filter((o) => o.status === 200);
    for (const o of outcomes)
      if (o.status !== 200) expect(o).toMatchObject({ status: 409, code: 'conflict' });
    expect(ok.length).toBeGreaterThan(outcomes.length / 2);
    for (const o of ok)
      expect(labelsOf(t.sim.store.getNode(o.node))[o.key], `${o.node} ${o.key}`).toBe('yes');
    for (const o of outcomes.filter((x) => x.status !== 200))
      expect(labelsOf(t.sim.store.getNode(o.node))[o.key]).toBeUndefined();
    console.log(
      `conflict storm: ${ok.length}/${outcomes.length} writes succeeded, ${outcomes.length - ok.length} reported as conflicts`,
    );
  }, 60_000);
});

describe('operations', () => {
  it('cordons 200 nodes in a batch at concurrency 20 with per-node results', async () => {
    const batch = names.slice(0, 200);
    const r = await t.api('POST', '/api/v1/clusters/sim/operations', {
      kind: 'cordon',
      nodes: batch,
      concurrency: 20,
      params: { reason: 'batch' },
    });
    expect(r.status).toBe(202);
    const id = r.json.operation.id as string;
    const op = await eventually(
      async () => {
        const g = await t.api('GET', `/api/v1/operations/${id}`);
        return g.json.operation.state !== 'running' && g.json.operation;
      },
      'batch cordon',
      60_000,
    );
    expect(op).toMatchObject({ state: 'succeeded', total: 200, done: 200, failed: 0, concurrency: 20 });
    expect(Object.values(op.results).every((x: any) => x.state === 'succeeded')).toBe(true);
    expect(
      batch.every((n) => (t.sim.store.getNode(n).spec as { unschedulable?: boolean }).unschedulable === true),
    ).toBe(true);

    const un = await t.api('POST', '/api/v1/clusters/sim/operations', {
      kind: 'uncordon',
      selector: 'kubernetes.io/os=linux',
      concurrency: 20,
    });
    expect(un.status).toBe(202);
    await eventually(
      async () =>
        (await t.api('GET', `/api/v1/operations/${un.json.operation.id}`)).json.operation.state ===
        'succeeded',
      'batch uncordon',
      60_000,
    );
    expect(
      names.every((n) => !(t.sim.store.getNode(n).spec as { unschedulable?: boolean }).unschedulable),
    ).toBe(true);
  }, 120_000);

  const appPodsOn = (node: string) =>
    t.sim.store
      .listPods({ fieldSelector: `spec.nodeName=${node}` })
      .filter((p) => p.metadata.namespace !== 'kube-system');
  const uidsOn = (node: string) => appPodsOn(node).map((p) => `${p.metadata.name}=${p.metadata.uid}`);
  const guard = (name: string) =>
    t.sim.store.create(
      'poddisruptionbudgets',
      {
        metadata: { name },
        spec: { minAvailable: 100000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
      },
      'apps',
    );
  const operation = async (id: string) => (await t.api('GET', `/api/v1/operations/${id}`)).json.operation;

  it('drain waits on 429s with the same pods (same UIDs) while a budget refuses, and finishes once it allows', async () => {
    const node = names[30]!;
    const uids = uidsOn(node);
    expect(uids.length).toBeGreaterThan(0);
    guard('guard');
    const before = t.sim.evictions();
    const r = await t.api('POST', `${base}/${node}/drain`, {
      ignoreDaemonSets: true,
      deleteEmptyDirData: true,
      timeoutSeconds: 60,
    });
    expect(r.status).toBe(202);
    const id = r.json.operation.id as string;
    // the budget really refused evictions (429), more than once, and nothing was deleted around it
    for (let i = 0; i < 5; i++) {
      await new Promise((res) => setTimeout(res, 500));
      expect(uidsOn(node)).toEqual(uids);
    }
    expect(t.sim.evictions().refusedByBudget - before.refusedByBudget).toBeGreaterThanOrEqual(
      2 * uids.length,
    );
    expect(t.sim.evictions().accepted).toBe(before.accepted);
    expect((await operation(id)).state).toBe('running');
    expect((t.sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    t.sim.store.delete('poddisruptionbudgets', 'apps', 'guard');
    const done = await eventually(
      async () => {
        const g = await operation(id);
        return g.state !== 'running' && g;
      },
      'drain to finish',
      30_000,
    );
    expect(done.state, JSON.stringify(done.results)).toBe('succeeded');
    expect(appPodsOn(node)).toEqual([]);
    expect(t.sim.evictions().accepted - before.accepted).toBe(uids.length);
  }, 60_000);

  it('a budget that never relents: the drain fails at its timeout naming the budget, and no pod is deleted', async () => {
    const node = names[31]!;
    const uids = uidsOn(node);
    expect(uids.length).toBeGreaterThan(0);
    guard('forever');
    const before = t.sim.evictions();
    try {
      const r = await t.api('POST', `${base}/${node}/drain`, {
        ignoreDaemonSets: true,
        deleteEmptyDirData: true,
        timeoutSeconds: 3,
      });
      expect(r.status).toBe(202);
      const done = await eventually(
        async () => {
          const g = await operation(r.json.operation.id as string);
          return g.state !== 'running' && g;
        },
        'drain to give up',
        20_000,
      );
      expect(done.state).toBe('failed');
      expect(done.results[node]).toMatchObject({
        state: 'failed',
        message: expect.stringMatching(/timed out after 3 s: .*disruption budget forever .*not bypassed/),
      });
      expect(uidsOn(node)).toEqual(uids);
      expect(appPodsOn(node).every((p) => p.metadata.deletionTimestamp === undefined)).toBe(true);
      expect(t.sim.evictions().refusedByBudget).toBeGreaterThan(before.refusedByBudget);
      expect(t.sim.evictions().accepted).toBe(before.accepted);
    } finally {
      t.sim.store.delete('poddisruptionbudgets', 'apps', 'forever');
    }
  }, 60_000);
});

describe('templates', () => {
  it('creates a label template and applies it to nodes by selector as an operation', async () => {
    const created = await t.api('POST', '/api/v1/templates', {
      name: 'gpu-pool',
      kind: 'labels',
      spec: { set: { pool: 'gpu' } },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const bad = await t.api('POST', '/api/v1/templates', {
      name: 'bad',
      kind: 'taints',
      spec: { add: [{ key: 'x', effect: 'Sometimes' }] },
    });
    expect(bad.status).toBe(400);
    const targets = names.slice(40, 43);
    const sel = `kubernetes.io/hostname in (${targets.join(',')})`;
    const applied = await t.api('POST', `/api/v1/templates/${created.json.id}/apply`, {
      cluster: 'sim',
      selector: sel,
    });
    expect(applied.status, JSON.stringify(applied.json)).toBe(202);
    await eventually(
      async () =>
        (await t.api('GET', `/api/v1/operations/${applied.json.operation.id}`)).json.operation.state ===
        'succeeded',
      'template apply',
    );
    for (const n of targets) expect(labelsOf(t.sim.store.getNode(n)).pool).toBe('gpu');
    expect(
      (await t.api('GET', '/api/v1/templates')).json.items.map((x: { name: string }) => x.name),
    ).toContain('gpu-pool');
    expect((await t.api('DELETE', `/api/v1/templates/${created.json.id}`)).status).toBe(204);
  });
});
