import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyWindowMessage, type WindowState } from '@/lib/client/window-state';
import { nodeListResponseSchema } from '@/lib/protocol/api';
import { serverMessageSchema } from '@/lib/protocol/messages';
import type { NodeRow } from '@/lib/protocol/window';
import { SseTestClient, WsTestClient, type AnyMessage } from '@/lib/push/testing/clients';
import { toNodeRow } from '@/lib/shared/node-row';
import { eventually } from './helpers/app-server';
import { startSimApp, type SimApp } from './helpers/sim-app';

/**
 * Live windowed queries through the real app and simulator, over a WebSocket and over SSE (with
 * the POST route steering the stream): the window's rows equal the REST list of the same query
 * string, and stay equal as label writes move nodes in and out of the window.
 */
let t: SimApp;
let token: string;

beforeAll(async () => {
  t = await startSimApp({ nodes: 60 });
  const created = await t.api('POST', '/api/v1/tokens', { name: 'windows', scope: 'read' });
  token = (created.json as { token: string }).token;
}, 120_000);
afterAll(() => t?.close());

async function restRows(
  query: string,
  offset: number,
  limit: number,
): Promise<{ rows: NodeRow[]; total: number }> {
  const r = await t.api('GET', `/api/v1/clusters/sim/nodes?${query}&offset=${offset}&limit=${limit}`);
  const list = nodeListResponseSchema.parse(r.json);
  return { rows: list.items.map(toNodeRow), total: list.total };
}

/** Applies the window messages a connection received so far, as the browser does. */
function held(messages: AnyMessage[], id: string): WindowState | undefined {
  let state: WindowState | undefined;
  for (const raw of messages) {
    const m = serverMessageSchema.parse(raw);
    if ((m.type !== 'window_snapshot' && m.type !== 'window_diff') || m.data.id !== id) continue;
    const r = applyWindowMessage(state, m);
    if (!r.ok) throw new Error(`gap in window ${id} at seq ${m.seq}`);
    state = r.state;
  }
  return state;
}

async function expectEqualToRest(
  messages: AnyMessage[],
  id: string,
  query: string,
  offset: number,
  limit: number,
) {
  await eventually(
    async () => {
      const want = await restRows(query, offset, limit);
      const got = held(messages, id);
      return JSON.stringify(got?.rows) === JSON.stringify(want.rows) && got?.total === want.total;
    },
    `window ${id} equal to GET ?${query}`,
    10_000,
  );
}

const pool = (i: number) => `pool-${i % 3}`;

describe('live windowed queries (real app)', () => {
  it('over a WebSocket: snapshot, diffs after label writes, scrolling on the same connection', async () => {
    const ws = await WsTestClient.open(`ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes`, {
      origin: t.app.origin,
      token,
    });
    try {
      await ws.waitFor((m) => m.type === 'connected');
      const query = 'labelSelector=window%3Din&sort=-name';
      ws.send({ type: 'window', data: { id: 'w', cluster: 'sim', query, offset: 0, limit: 10 } });
      await ws.waitFor((m) => m.type === 'window_snapshot');
      expect(held(ws.messages, 'w')?.total).toBe(0);
      const names = t.sim.store.nodeNames();
      for (let i = 0; i < 15; i++) {
        const r = await t.api('POST', `/api/v1/clusters/sim/nodes/${names[i * 3]}/labels`, {
          set: { window: 'in', pool: pool(i) },
        });
        expect(r.status).toBe(200);
      }
      await expectEqualToRest(ws.messages, 'w', query, 0, 10);
      expect(ws.messages.some((m) => m.type === 'window_diff')).toBe(true);
      // scroll: the same window id, another range, no new connection
      ws.send({ type: 'window', data: { id: 'w', cluster: 'sim', query, offset: 8, limit: 10 } });
      await ws.waitFor((m) => m.type === 'window_snapshot' && (m.data as { offset: number }).offset === 8);
      await t.api('POST', `/api/v1/clusters/sim/nodes/${names[9]}/labels`, { remove: ['window'] });
      await t.api('POST', `/api/v1/clusters/sim/nodes/${names[50]}/labels`, { set: { window: 'in' } });
      await expectEqualToRest(ws.messages, 'w', query, 8, 10);
      expect(ws.messages.filter((m) => m.type === 'error')).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('over SSE, steered by POST /api/v1/sse/windows on the same stream', async () => {
    const sse = await SseTestClient.open(`${t.app.url}/api/v1/sse/nodes`, { headers: { cookie: t.cookie } });
    try {
      const connected = await sse.waitFor((m) => m.type === 'connected');
      const connection_id = (connected.data as { connection_id: string }).connection_id;
      const query = 'labelSelector=window%3Din&sort=name';
      const post = (extra: Record<string, unknown> = {}) =>
        t.api('POST', '/api/v1/sse/windows', {
          connection_id,
          id: 's',
          cluster: 'sim',
          query,
          offset: 0,
          limit: 5,
          ...extra,
        });
      const open = await post();
      expect(open.status).toBe(202);
      await sse.waitFor((m) => m.type === 'window_snapshot');
      const names = t.sim.store.nodeNames();
      await t.api('POST', `/api/v1/clusters/sim/nodes/${names[1]}/labels`, { set: { window: 'in' } });
      await expectEqualToRest(sse.messages, 's', query, 0, 5);
      const bad = await post({ query: 'sort=colour' });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.json)).toContain('sort');
      const other = await post({ connection_id: 'not-mine' });
      expect(other.status).toBe(404);
      const closed = await post({ close: true });
      expect(closed.status).toBe(202);
      await sse.waitFor((m) => m.type === 'window_closed');
    } finally {
      sse.close();
    }
  });
});
