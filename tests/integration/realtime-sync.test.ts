import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeQuery } from '@/lib/protocol/node-query';
import type { Simulator } from '@/lib/sim';
import { RealtimeManager } from '@/lib/realtime/manager';
import {
  EventRecorder,
  cacheDigestLines,
  cachePodCounts,
  sleep,
  storeDigestLines,
  storePodCounts,
  until,
} from '@/lib/realtime/testing/harness';
import { startSyncedSim, type SyncedSim } from './helpers/synced-sim';

let sim: Simulator;
let mgr: RealtimeManager;
let rec: EventRecorder;

let fixture: SyncedSim;
const unhandled = () => fixture.unhandled;

beforeAll(async () => {
  fixture = await startSyncedSim(
    {
      nodes: 40,
      podsPerNode: 3,
      seed: 7,
      bookmarkIntervalMs: 500,
      nodeStatusIntervalMs: 0,
    },
    { watchdogMs: 2000, backoff: { initialMs: 50, maxMs: 500 } },
  );
  ({ sim, mgr, rec } = fixture);
});

afterAll(() => fixture?.close());

describe('realtime sync against the simulator (HTTPS, client-node)', () => {
  it('cold sync fills the cache with every node and the pod index', () => {
    expect(cacheDigestLines(mgr, 'sim')).toEqual(storeDigestLines(sim.store));
    expect(cachePodCounts(mgr, 'sim')).toEqual(storePodCounts(sim.store));
    const st = mgr.clusterStatus('sim');
    expect(st).toMatchObject({ state: 'ready', synced: true, nodes: 40 });
    expect(st.syncMs).toBeGreaterThan(0);
    expect(rec.changes('sim').filter((c) => c.type === 'node_add')).toHaveLength(40);
  });

  it('label, taint and cordon changes reach the cache within 100 ms, correctly classified', async () => {
    const names = sim.store.nodeNames();
    const [a, b, c] = [names[1] as string, names[2] as string, names[3] as string];
    rec.clear();

    let t0 = performance.now();
    sim.store.setNodeLabels(a, { 'team.example.com/owner': 'payments' });
    const lab = await rec.waitForChange((x) => x.name === a, 1000);
    expect(lab.at - t0).toBeLessThan(100);
    expect(lab.change.changes).toEqual(['labels']);
    expect(mgr.getCache('sim')?.getNode(a)?.labels['team.example.com/owner']).toBe('payments');

    t0 = performance.now();
    sim.store.setNodeTaints(b, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    const tnt = await rec.waitForChange((x) => x.name === b, 1000);
    expect(tnt.at - t0).toBeLessThan(100);
    expect(tnt.change.changes).toEqual(['taints']);

    t0 = performance.now();
    sim.store.cordonNode(c);
    const cor = await rec.waitForChange((x) => x.name === c, 1000);
    expect(cor.at - t0).toBeLessThan(100);
    expect(cor.change.changes).toContain('schedulable');
    expect(cor.change.node.unschedulable).toBe(true);
    const page = await mgr.listNodes('sim', nodeQuery({ schedulable: false }));
    expect(page.items.map((n) => n.name)).toContain(c);
    expect(page.source).toBe('cache');
  });

  it('heartbeat-only status rewrites produce no event but keep the RV current', async () => {
    const name = sim.store.nodeNames()[5] as string;
    await sleep(50);
    rec.clear();
    const dropped = mgr.clusterStatus('sim').stats.droppedNoise;
    let rv = '';
    for (let i = 0; i < 5; i++) {
      const n = sim.store.mutate('nodes', undefined, name, (d) => {
        for (const cond of (d.status as { conditions: Record<string, string>[] }).conditions) {
          cond.lastHeartbeatTime = new Date(Date.now() + (i + 1) * 1000)
            .toISOString()
            .replace(/\.\d+Z$/, 'Z');
        }
      });
      rv = n.metadata.resourceVersion as string;
    }
    expect(await mgr.waitForResourceVersion('sim', name, rv, 1000)).toBe(true);
    expect(rec.changes('sim').filter((c) => c.name === name)).toEqual([]);
    expect(mgr.clusterStatus('sim').stats.droppedNoise - dropped).toBe(5);
    expect(mgr.getCache('sim')?.getNode(name)?.resourceVersion).toBe(rv);
  });

  it('pod changes update the node aggregate as a pods change', async () => {
    const name = sim.store.nodeNames()[6] as string;
    rec.clear();
    const before = mgr.getCache('sim')?.getNode(name)?.pods.count ?? 0;
    sim.store.createPod(
      {
        metadata: { name: 'rt-test-pod', namespace: 'default' },
        spec: {
          nodeName: name,
          containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '250m', memory: '64Mi' } } }],
        },
      },
      'default',
    );
    const ev = await rec.waitForChange((x) => x.name === name && x.changes.includes('pods'), 2000);
    expect(ev.change.node.pods.count).toBe(before + 1);
  });

  it('getNode falls back to the API for an unknown node and reports it', async () => {
    const miss = await mgr.getNode('sim', 'no-such-node');
    expect(miss).toEqual({ node: null, source: 'api', synced: true });
    const name = sim.store.nodeNames()[0] as string;
    const hit = await mgr.getNode('sim', name);
    expect(hit.source).toBe('cache');
    const stats = mgr.stats();
    expect(stats.apiFallbacks).toBeGreaterThanOrEqual(1);
    expect(stats.cacheHits).toBeGreaterThanOrEqual(1);
  });

  it('before sync, reads go to the API with the same query semantics and say so', async () => {
    const cold = new RealtimeManager();
    try {
      cold.registerCluster('sim', sim.kubeconfig()); // registered, never started: not synced
      const cordoned = await cold.listNodes('sim', nodeQuery({ schedulable: false, dir: 'desc' }));
      const want = await mgr.listNodes('sim', nodeQuery({ schedulable: false, dir: 'desc' }));
      expect(cordoned.source).toBe('api');
      expect(cordoned.synced).toBe(false);
      expect(cordoned.items.map((n) => n.name)).toEqual(want.items.map((n) => n.name));
      const name = sim.store.nodeNames()[2] as string;
      const one = await cold.getNode('sim', name);
      expect(one).toMatchObject({ source: 'api', synced: false, node: { name } });
      expect(cold.stats()).toMatchObject({ apiFallbacks: 2, cacheMisses: 2, cacheHits: 0 });
      await expect(cold.listNodes('sim', nodeQuery({ labelSelector: 'a in b' }))).rejects.toThrow(
        /labelSelector/,
      );
      await expect(cold.listNodes('sim', nodeQuery(), { offset: -1, limit: 5 })).rejects.toThrow(/offset/);
    } finally {
      await cold.shutdown();
    }
  });

  it('the cache still equals the simulator and no promise was left unhandled', async () => {
    await until(
      () => cacheDigestLines(mgr, 'sim').join() === storeDigestLines(sim.store).join(),
      3000,
      'digest equality',
    );
    expect(unhandled()).toEqual([]);
  });
});
