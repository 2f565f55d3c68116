import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeManager } from '@/lib/realtime/manager';
import { startSimulator, type Simulator } from '@/lib/sim';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { principal } from '@/lib/push/testing/fake-client';
import { startPushTestServer, type PushTestServer } from '@/lib/push/testing/test-server';

// The real chain: simulator (HTTPS kube-apiserver) → RealtimeManager → PushHub → ws/SSE sockets.
let sim: Simulator;
let mgr: RealtimeManager;
let srv: PushTestServer;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sim = await startSimulator({ nodes: 20, podsPerNode: 2, seed: 11, churn: false, nodeStatusIntervalMs: 0 });
  mgr = new RealtimeManager({ watchdogMs: 2000, backoff: { initialMs: 50, maxMs: 500 } });
  mgr.registerCluster('sim', sim.kubeconfig());
  mgr.start();
  const deadline = Date.now() + 15_000;
  while (mgr.clusterStatus('sim').state !== 'ready') {
    if (Date.now() > deadline) throw new Error('cluster never became ready');
    await sleep(20);
  }
  srv = await startPushTestServer({ source: mgr, tokens: { t: principal({ clusters: ['sim'] }) } });
});

afterAll(async () => {
  await srv?.close();
  await mgr?.shutdown();
  await sim?.close();
});

describe('push over the real realtime manager', () => {
  it('a label set in the apiserver reaches WebSocket and SSE subscribers with changes ["labels"]', async () => {
    const ws = await Promise.all(
      Array.from({ length: 10 }, () =>
        WsTestClient.open(srv.wsUrl('cluster=sim'), { token: 't', origin: srv.origin }),
      ),
    );
    const sse = await Promise.all(
      Array.from({ length: 10 }, () => SseTestClient.open(srv.sseUrl('cluster=sim'), { token: 't' })),
    );
    const all = [...ws, ...sse];
    await Promise.all(all.map((c) => c.waitFor((m) => m.type === 'subscribed')));
    const node = sim.store.nodeNames()[3]!;
    sim.store.setNodeLabels(node, { 'team.example.com/owner': 'payments' });
    const got = await Promise.all(
      all.map((c) => c.waitFor((m) => m.type === 'node_update' && m.node_name === node)),
    );
    for (const m of got) {
      expect(m).toMatchObject({
        cluster_name: 'sim',
        changes: ['labels'],
        data: { labels: { 'team.example.com/owner': 'payments' } },
      });
      expect(m.seq).toBe(mgr.currentSeq('sim'));
    }
    for (const c of all) c.close();
  });

  it('reconnecting with since replays exactly what the manager emitted meanwhile', async () => {
    const names = sim.store.nodeNames();
    const first = await WsTestClient.open(srv.wsUrl('cluster=sim'), { token: 't', origin: srv.origin });
    const start = (await first.waitFor((m) => m.type === 'subscribed')).seq as number;
    sim.store.setNodeLabels(names[0]!, { round: '1' });
    await first.waitFor((m) => m.type === 'node_update');
    first.close();
    const last = first.nodeSeqs('sim').at(-1)!;
    for (let i = 0; i < 5; i++) sim.store.setNodeLabels(names[i + 1]!, { round: '2' });
    const target = start + 6;
    const deadline = Date.now() + 5000;
    while (mgr.currentSeq('sim') < target && Date.now() < deadline) await sleep(10);
    const again = await WsTestClient.open(srv.wsUrl(`cluster=sim&since=${last}`), {
      token: 't',
      origin: srv.origin,
    });
    const ack = await again.waitFor((m) => m.type === 'subscribed');
    expect(ack).toMatchObject({ seq: mgr.currentSeq('sim'), data: { replayed: 5 } });
    expect([...first.nodeSeqs('sim'), ...again.nodeSeqs('sim')]).toEqual([
      start + 1,
      start + 2,
      start + 3,
      start + 4,
      start + 5,
      start + 6,
    ]);
    again.close();
  });
});
