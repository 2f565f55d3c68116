import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverMessageSchema } from '@/lib/protocol/messages';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { principal } from '@/lib/push/testing/fake-client';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import { startPushTestServer, type PushTestServer } from '@/lib/push/testing/test-server';

let srv: PushTestServer;
const source = new FakeChangeSource(['prod', 'dev']);

beforeAll(async () => {
  srv = await startPushTestServer({
    source,
    tokens: { t: principal({ role: 'admin' }) },
    limits: { maxConnectionsPerUser: 1000 },
  });
});
afterAll(async () => {
  await srv.close();
});

describe('push fan-out over real sockets', () => {
  it('a label change reaches 100 WebSocket and 100 SSE subscribers with changes ["labels"]', async () => {
    const ws = await Promise.all(
      Array.from({ length: 100 }, () =>
        WsTestClient.open(srv.wsUrl('cluster=prod'), { token: 't', origin: srv.origin }),
      ),
    );
    const sse = await Promise.all(
      Array.from({ length: 100 }, () => SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 't' })),
    );
    const all = [...ws, ...sse];
    await Promise.all(all.map((c) => c.waitFor((m) => m.type === 'subscribed', 10_000, 'subscribed')));
    expect(srv.hub.stats().connections).toMatchObject({
      total: 200,
      byTransport: { ws: 100, sse: 100 },
      byCluster: { prod: 200 },
    });

    source.change('dev', 'other'); // not subscribed: must not arrive
    const change = source.change('prod', 'node-7', { changes: ['labels'], labels: { team: 'blue' } });
    const got = await Promise.all(
      all.map((c) => c.waitFor((m) => m.type === 'node_update', 10_000, 'node_update')),
    );
    for (const m of got) {
      expect(serverMessageSchema.parse(m)).toMatchObject({
        type: 'node_update',
        cluster_name: 'prod',
        node_name: 'node-7',
        seq: change.seq,
        changes: ['labels'],
        data: { labels: { team: 'blue' } },
      });
    }
    for (const c of sse) expect(c.lastEventId).toBe(`prod:${change.seq}`);
    for (const c of all) expect(c.messages.some((m) => m.cluster_name === 'dev')).toBe(false);

    for (const c of all) c.close();
    await expect.poll(() => srv.hub.stats().connections.total, { timeout: 5000 }).toBe(0);
  });

  it('one connection holds several clusters and subscribes/unsubscribes by message', async () => {
    const c = await WsTestClient.open(srv.wsUrl(), { token: 't', origin: srv.origin });
    const connected = await c.waitFor((m) => m.type === 'connected');
    expect(connected).toMatchObject({ data: { user: 'alice', clusters: {} } });
    c.send({ type: 'subscribe', data: { cluster: 'prod' } });
    c.send({ type: 'subscribe', data: { cluster: 'dev' } });
    await c.waitFor((m) => m.type === 'subscribed' && m.cluster_name === 'dev');
    source.change('prod', 'p1');
    source.change('dev', 'd1');
    await c.waitFor((m) => m.type === 'node_update' && m.cluster_name === 'dev');
    c.send({ type: 'unsubscribe', data: { cluster: 'prod' } });
    await c.waitFor((m) => m.type === 'unsubscribed');
    source.change('prod', 'p2');
    c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'pong');
    expect(c.nodeSeqs('prod')).toHaveLength(1);
    c.close();
  });
});
