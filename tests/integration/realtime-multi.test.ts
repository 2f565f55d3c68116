import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeQuery } from '@/lib/protocol/node-query';
import { startSimulator, type Simulator } from '@/lib/sim';
import { RealtimeManager } from '@/lib/realtime/manager';
import { EventRecorder, cacheDigestLines, storeDigestLines, until } from '@/lib/realtime/testing/harness';

/**
 * Three clusters, one unreachable (a closed port): the other two sync and serve; the
 * unreachable one is degraded with its error and recovers once something listens on that
 * port. The "something" is a TCP forwarder to a third simulator, because a simulator's
 * CA and token are minted at start and the registered kubeconfig must stay the same.
 */

const sims: Simulator[] = [];
const sockets = new Set<net.Socket>();
let proxy: net.Server | undefined;
let mgr: RealtimeManager | undefined;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function forward(port: number, target: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

afterAll(async () => {
  await mgr?.shutdown();
  for (const s of sockets) s.destroy();
  if (proxy) await new Promise<void>((r) => proxy?.close(() => r()));
  await Promise.all(sims.map((s) => s.close()));
  process.off('unhandledRejection', onUnhandled);
});

describe('three clusters, one unreachable', () => {
  it('the reachable ones sync and serve, the unreachable one is degraded and recovers', async () => {
    const [a, b, c] = await Promise.all([
      startSimulator({ nodes: 30, seed: 1, bookmarkIntervalMs: 300 }),
      startSimulator({ nodes: 20, seed: 2, bookmarkIntervalMs: 300 }),
      startSimulator({ nodes: 10, seed: 3, bookmarkIntervalMs: 300 }),
    ]);
    sims.push(a, b, c);
    const [simA, simB, simC] = [a, b, c];
    const port = await freePort();
    const cTarget = Number(new URL(simC.url).port);
    const cConfig = simC.kubeconfig().replace(simC.url, `https://127.0.0.1:${port}`);

    mgr = new RealtimeManager({ watchdogMs: 1500, backoff: { initialMs: 50, maxMs: 300 } });
    const rec = new EventRecorder(mgr);
    mgr.registerCluster('a', simA.kubeconfig());
    mgr.registerCluster('b', simB.kubeconfig());
    mgr.registerCluster('c', cConfig);
    mgr.start();
    const m = mgr;

    await until(
      () => m.clusterStatus('a').state === 'ready' && m.clusterStatus('b').state === 'ready',
      5000,
      'a and b ready',
    );
    await until(() => m.clusterStatus('c').state === 'degraded', 5000, 'c degraded');
    expect(m.clusterStatus('c').lastError).toMatch(/ECONNREFUSED/);
    expect(m.clusterStatus('c').synced).toBe(false);
    expect(cacheDigestLines(m, 'a')).toEqual(storeDigestLines(simA.store));
    expect(cacheDigestLines(m, 'b')).toEqual(storeDigestLines(simB.store));
    expect((await m.listNodes('a', nodeQuery(), { offset: 0, limit: 5 })).total).toBe(30);
    expect((await m.listNodes('b', nodeQuery())).source).toBe('cache');
    // reads against the unreachable cluster fail cleanly (API fallback), never crash
    await expect(m.getNode('c', 'anything')).rejects.toThrow();

    // live changes keep flowing for a/b while c is down
    const nameA = simA.store.nodeNames()[0] as string;
    simA.store.setNodeLabels(nameA, { 'rt.example.com/probe': 'yes' });
    await rec.waitForChange((x) => x.cluster === 'a' && x.name === nameA, 1000);

    proxy = await forward(port, cTarget);
    await until(() => m.clusterStatus('c').state === 'ready', 5000, 'c recovers');
    expect(cacheDigestLines(m, 'c')).toEqual(storeDigestLines(simC.store));
    expect(rec.statuses('c')).toEqual(['degraded', 'ready']);
    expect((await m.getNode('c', simC.store.nodeNames()[0] as string)).source).toBe('cache');
    expect(unhandled).toEqual([]);
  });

  it('clusters are updated and removed independently', async () => {
    const m = mgr as RealtimeManager;
    const [simA] = sims as [Simulator];
    const rec = new EventRecorder(m);
    const seqA = m.currentSeq('a');
    await m.updateCluster('a', simA.kubeconfig({ readOnly: true }));
    expect(rec.events.map((e) => e.event)).toContainEqual({
      kind: 'resync',
      cluster: 'a',
      seq: seqA,
      reason: 'cluster credentials changed',
    });
    await m.unregisterCluster('b');
    expect(m.hasCluster('b')).toBe(false);
    expect(rec.events.map((e) => e.event)).toContainEqual({ kind: 'cluster_removed', cluster: 'b' });
    await until(() => m.clusterStatus('a').state === 'ready', 5000, 'a ready with new credentials');
    expect(cacheDigestLines(m, 'a')).toEqual(storeDigestLines(simA.store));
    expect(m.currentSeq('a')).toBeGreaterThan(seqA);
    expect(m.changesSince('a', seqA - 1)).toEqual({ ok: false, reason: 'too_old' });
    expect(m.clusterStatus('c').state).toBe('ready');
    expect(m.statuses().map((s) => s.name)).toEqual(['a', 'c']);
    rec.close();
    expect(unhandled).toEqual([]);
  });
});
