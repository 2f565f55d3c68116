import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  Watch,
  makeInformer,
  setHeaderOptions,
  type V1Node,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '@/lib/sim';

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('simulator with @kubernetes/client-node over HTTPS', () => {
  let sim: Simulator;
  let kc: KubeConfig;
  let api: CoreV1Api;

  beforeAll(async () => {
    sim = await startSimulator({ nodes: 5, seed: 7, bookmarkIntervalMs: 200 });
    kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    api = kc.makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await sim.close();
  });

  it('lists nodes with verified TLS and realistic objects', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const list = await api.listNode();
    expect(list.items).toHaveLength(5);
    const n = list.items[0]!;
    expect(n.metadata?.labels?.['kubernetes.io/hostname']).toBe(n.metadata?.name);
    expect(n.status?.conditions?.map((c) => c.type)).toContain('Ready');
    expect(n.status?.nodeInfo?.kubeletVersion).toMatch(/^v1\./);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
  });

  it('pages with limit/continue at one resourceVersion', async () => {
    const p1 = await api.listNode({ limit: 2 });
    expect(p1.items).toHaveLength(2);
    sim.store.setNodeLabels(sim.store.nodeNames()[0]!, { 'paging-test': 'x' });
    const p2 = await api.listNode({ limit: 2, _continue: p1.metadata!._continue! });
    const p3 = await api.listNode({ limit: 2, _continue: p2.metadata!._continue! });
    expect(p2.metadata?.resourceVersion).toBe(p1.metadata?.resourceVersion);
    const names = [...p1.items, ...p2.items, ...p3.items].map((n) => n.metadata!.name);
    expect(new Set(names).size).toBe(5);
    expect([...p1.items, ...p2.items, ...p3.items].some((n) => n.metadata?.labels?.['paging-test'])).toBe(
      false,
    );
  });

  it('patches with strategic merge and reports 409 on stale PUT', async () => {
    const name = sim.store.nodeNames()[1]!;
    const patched = await api.patchNode(
      { name, body: { metadata: { labels: { team: 'blue' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.metadata?.labels?.team).toBe('blue');
    const stale = { ...patched, metadata: { ...patched.metadata, resourceVersion: '1' } } as V1Node;
    const err = await api.replaceNode({ name, body: stale }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    const ex = err as ApiException<string>;
    expect(ex.code).toBe(409);
    expect(JSON.parse(ex.body).message).toBe(
      `Operation cannot be fulfilled on nodes "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  });

  it('forbids writes with the read-only kubeconfig', async () => {
    const ro = new KubeConfig();
    ro.loadFromString(sim.kubeconfig({ readOnly: true }));
    const roApi = ro.makeApiClient(CoreV1Api);
    expect((await roApi.listNode()).items.length).toBe(5);
    const err = (await roApi
      .deleteNode({ name: sim.store.nodeNames()[0]! })
      .catch((e: unknown) => e)) as ApiException<string>;
    expect(err.code).toBe(403);
    expect(JSON.parse(err.body).reason).toBe('Forbidden');
    expect(sim.store.count('nodes')).toBe(5);
  });

  it('informer sees add/update/delete and relists after a 410', async () => {
    let lists = 0;
    const informer = makeInformer(kc, '/api/v1/nodes', () => {
      lists++;
      return api.listNode();
    });
    const seen = new Map<string, V1Node>();
    const deleted: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (n) => seen.set(n.metadata!.name!, n));
    informer.on('update', (n) => seen.set(n.metadata!.name!, n));
    informer.on('delete', (n) => deleted.push(n.metadata!.name!));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await waitFor(() => seen.size === 5);
      const target = sim.store.nodeNames()[2]!;
      sim.store.setNodeLabels(target, { phase: 'one' });
      await waitFor(() => seen.get(target)?.metadata?.labels?.phase === 'one');

      sim.store.createNode({ name: 'added-node' });
      await waitFor(() => seen.has('added-node'));
      sim.store.deleteNode('added-node');
      await waitFor(() => deleted.includes('added-node'));

      // the next watch is answered with ERROR 410; the informer must relist and catch up
      sim.faults.expireNextWatch();
      sim.faults.cutWatches();
      sim.store.setNodeLabels(target, { phase: 'two' });
      await waitFor(() => lists >= 2 && seen.get(target)?.metadata?.labels?.phase === 'two', 10_000);
      sim.store.setNodeLabels(target, { phase: 'three' });
      await waitFor(() => seen.get(target)?.metadata?.labels?.phase === 'three');
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('Watch gets ERROR 410 for a resourceVersion older than the history window', async () => {
    const short = await startSimulator({ nodes: 2, historyWindowMs: 50, https: false });
    try {
      const kc2 = new KubeConfig();
      kc2.loadFromString(short.kubeconfig());
      const name = short.store.nodeNames()[0]!;
      short.store.setNodeLabels(name, { a: '1' });
      await new Promise((r) => setTimeout(r, 80));
      short.store.setNodeLabels(name, { a: '2' });
      const events: Array<{ type: string; obj: { code?: number; reason?: string } }> = [];
      await new Promise<void>((resolve, reject) => {
        void new Watch(kc2)
          .watch(
            '/api/v1/nodes',
            { resourceVersion: '2' },
            (type, obj: { code?: number; reason?: string }) => events.push({ type, obj }),
            () => resolve(),
          )
          .catch(reject);
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.type).toBe('ERROR');
      expect(events[0]!.obj.code).toBe(410);
      expect(events[0]!.obj.reason).toBe('Expired');
    } finally {
      await short.close();
    }
  });

  it('sends bookmarks and resumes from them', async () => {
    const w = new Watch(kc);
    const types: string[] = [];
    let lastRv = '';
    const startRv = Number(sim.store.resourceVersion);
    const ctl = await w.watch(
      '/api/v1/nodes',
      { resourceVersion: String(startRv), allowWatchBookmarks: true },
      (type, obj: { metadata?: { resourceVersion?: string } }) => {
        types.push(type);
        lastRv = obj.metadata?.resourceVersion ?? lastRv;
      },
      () => undefined,
    );
    await waitFor(() => types.includes('BOOKMARK'), 3000);
    ctl.abort();
    expect(Number(lastRv)).toBeGreaterThanOrEqual(startRv);
    expect(Number(lastRv)).toBeLessThanOrEqual(Number(sim.store.resourceVersion));
  });

  it('restart() cuts connections and keeps port and resourceVersions', async () => {
    const before = Number(sim.store.resourceVersion);
    await sim.restart();
    const list = await api.listNode();
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(before);
    sim.store.setNodeLabels(list.items[0]!.metadata!.name!, { after: 'restart' });
    expect(Number(sim.store.resourceVersion)).toBeGreaterThan(before);
  });
});
