import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { startSimApp, type SimApp } from './helpers/sim-app';

let t: SimApp;
let token: string;

beforeAll(async () => {
  t = await startSimApp({ nodes: 30 });
  const created = await t.api('POST', '/api/v1/tokens', { name: 'lifecycle', scope: 'read' });
  expect(created.status).toBe(201);
  token = created.json.token as string;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('the app as server.ts composes it', () => {
  it('route handlers see the realtime manager that server.ts created', async () => {
    const ready = await t.api('GET', '/api/readyz');
    expect(ready.status).toBe(200);
    const started = t.app.logs
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; instanceId?: string })
      .find((l) => l.msg === 'services started');
    expect(ready.json.instanceId).toBe(started?.instanceId);
    expect(ready.json.clusters).toEqual([{ name: 'sim', state: 'ready' }]);
    const health = await fetch(`${t.app.url}/api/healthz`);
    expect(health.status).toBe(200);
  });

  it('a change made in the cluster reaches WebSocket and SSE clients through the whole pipeline', async () => {
    const wsUrl = `ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes?cluster=sim`;
    const ws = await WsTestClient.open(wsUrl, { headers: { cookie: t.cookie }, origin: t.app.origin });
    const sse = await SseTestClient.open(`${t.app.url}/api/v1/sse/nodes?cluster=sim`, { token });
    await ws.waitFor((m) => m.type === 'subscribed', 5000, 'ws subscribed');
    await sse.waitFor((m) => m.type === 'subscribed' || m.type === 'connected', 5000, 'sse subscribed');
    const node = t.sim.store.nodeNames()[0]!;
    t.sim.store.setNodeLabels(node, { pipeline: 'yes' });
    const viaWs = await ws.waitFor(
      (m) => m.type === 'node_update' && m.node_name === node,
      5000,
      'ws node_update',
    );
    const viaSse = await sse.waitFor(
      (m) => m.type === 'node_update' && m.node_name === node,
      5000,
      'sse node_update',
    );
    for (const m of [viaWs, viaSse]) {
      expect(m.changes).toEqual(['labels']);
      expect((m.data as { labels: Record<string, string> }).labels.pipeline).toBe('yes');
    }
    expect(viaWs.seq).toBe(viaSse.seq);
    ws.close();
    sse.close();
  });

  it('refuses a WebSocket from a foreign origin and without credentials', async () => {
    const wsUrl = `ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes?cluster=sim`;
    expect(
      await WsTestClient.refusedStatus(wsUrl, {
        headers: { cookie: t.cookie },
        origin: 'https://evil.example',
      }),
    ).toBe(403);
    expect(await WsTestClient.refusedStatus(wsUrl, { origin: t.app.origin })).toBe(401);
  });

  it("rotating a cluster's credentials restarts its informers (resync); deleting it ends subscriptions", async () => {
    const added = await t.api('POST', '/api/v1/clusters', { name: 'sim2', kubeconfig: t.sim.kubeconfig() });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    const ws = await WsTestClient.open(`ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes?cluster=sim2`, {
      headers: { cookie: t.cookie },
      origin: t.app.origin,
    });
    await ws.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed');
    const rotated = await t.api('PATCH', '/api/v1/clusters/sim2', {
      kubeconfig: t.sim.kubeconfig({ readOnly: true }),
    });
    expect(rotated.status, JSON.stringify(rotated.json)).toBe(200);
    await ws.waitFor(
      (m) => m.type === 'resync' && m.cluster_name === 'sim2',
      10_000,
      'resync after rotation',
    );
    expect((await t.api('DELETE', '/api/v1/clusters/sim2')).status).toBeLessThan(300);
    const removed = await ws.waitFor((m) => m.type === 'error', 10_000, 'cluster_removed');
    expect((removed.data as { code: string }).code).toBe('cluster_removed');
    const ready = await t.api('GET', '/api/readyz');
    expect(ready.json.clusters.map((c: { name: string }) => c.name)).toEqual(['sim']);
    ws.close();
  });

  it('SIGTERM with open WebSocket and SSE clients: 1001, a final shutdown event, exit 0 within 10 s', async () => {
    const wsUrl = `ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes?cluster=sim`;
    const ws = await WsTestClient.open(wsUrl, { token, origin: t.app.origin });
    const sse = await SseTestClient.open(`${t.app.url}/api/v1/sse/nodes?cluster=sim`, { token });
    await ws.waitFor((m) => m.type === 'subscribed', 5000, 'ws subscribed');
    const started = Date.now();
    t.app.proc.kill('SIGTERM');
    const code = await t.app.exited;
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    expect(elapsed).toBeLessThan(10_000);
    expect((await ws.closedPromise).code).toBe(1001);
    await sse.done;
    expect(sse.messages.some((m) => m.type === 'shutdown')).toBe(true);
  }, 30_000);
});
