import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SseWindowBody } from '@/lib/protocol/window';
import type { NodeRow } from '@/lib/protocol/window';
import { StreamClient } from './stream-client';
import { makeRow } from './test-fixtures';
import { FakeClock, fakeTransports } from './stream-fakes';
import { WindowSubscription } from './window-subscription';
import type { WindowState } from './window-state';

const ts = '2026-01-01T00:00:00Z';
const row = (name: string): NodeRow => makeRow(name, { creationTimestamp: ts });
const snapshot = (seq: number, offset: number, names: string[], total = 100) => ({
  type: 'window_snapshot',
  cluster_name: 'c1',
  seq,
  timestamp: ts,
  data: { id: 'table', query: 'sort=-cpu', offset, limit: 3, total, rows: names.map(row) },
});
const diff = (seq: number, prev: number, ops: unknown[], total = 100) => ({
  type: 'window_diff',
  cluster_name: 'c1',
  seq,
  timestamp: ts,
  data: { id: 'table', prev_seq: prev, total, ops },
});

const connected = {
  type: 'connected',
  timestamp: ts,
  data: { connection_id: 'x', user: 'u', clusters: {} },
};

let client: StreamClient | null = null;
afterEach(() => client?.stop());

function setup(batched = false) {
  const clock = new FakeClock();
  const t = fakeTransports();
  client = new StreamClient({
    wsUrl: 'ws://h/api/v1/ws/nodes',
    sseUrl: (c) => `/api/v1/sse/nodes?cluster=${c}`,
    createSocket: t.createSocket,
    clock,
    backoff: { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0 },
  });
  const seen: WindowState[] = [];
  const sub = new WindowSubscription(client, (s) => seen.push(s), {
    schedule: (fn, ms) => clock.setTimeout(fn, ms),
    cancel: (h) => clock.clearTimeout(h),
    // a frame, on the fake clock
    batch: batched
      ? { schedule: (fn) => clock.setTimeout(fn, 16), cancel: (h) => clock.clearTimeout(h) }
      : undefined,
  });
  sub.start();
  client.start();
  const sent = (i = 0) => t.sockets[i]!.sent as { type: string; data: { offset?: number } }[];
  return { clock, sockets: t.sockets, sub, seen, sent };
}

describe('WindowSubscription', () => {
  it('asks once live, applies snapshot and diffs, moves on scroll and asks again on a gap', () => {
    const { sockets, sub, seen, sent } = setup();
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 });
    expect(sockets[0]!.sent).toEqual([]); // not open yet
    sockets[0]!.open();
    sockets[0]!.receive(connected); // live only once the server's first frame arrived
    expect(sent().filter((m) => m.type === 'window')).toHaveLength(1);
    sockets[0]!.receive(snapshot(5, 0, ['a', 'b', 'c']));
    sockets[0]!.receive(diff(7, 5, [{ op: 'move', from: 2, to: 0 }], 101));
    expect(seen.at(-1)).toMatchObject({ seq: 7, total: 101 });
    expect(seen.at(-1)!.rows.map((r) => r.name)).toEqual(['c', 'a', 'b']);

    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 3, limit: 3 });
    expect(sent().at(-1)).toMatchObject({ type: 'window', data: { offset: 3 } });
    sockets[0]!.receive(snapshot(7, 0, ['x', 'y', 'z'])); // the earlier range, late: ignored
    sockets[0]!.receive(snapshot(8, 3, ['d', 'e', 'f']));
    expect(seen.at(-1)!.rows.map((r) => r.name)).toEqual(['d', 'e', 'f']);
    // a new query is the same window asked again; the old query's late snapshot is not its rows
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=name', offset: 3, limit: 3 });
    expect(sent().filter((m) => m.type === 'window_close')).toHaveLength(0);
    sockets[0]!.receive(snapshot(8, 3, ['p', 'q', 'r']));
    expect(seen.at(-1)!.rows.map((r) => r.name)).toEqual(['d', 'e', 'f']);
    sockets[0]!.receive({
      ...snapshot(8, 3, ['g', 'h', 'i']),
      data: { ...snapshot(8, 3, ['g', 'h', 'i']).data, query: 'sort=name' },
    });
    expect(seen.at(-1)).toMatchObject({ query: 'sort=name' });

    const asked = sent().filter((m) => m.type === 'window').length;
    sockets[0]!.receive(diff(12, 10, [{ op: 'remove', index: 0 }])); // prev_seq 10 ≠ 8: a message was lost
    expect(sent().filter((m) => m.type === 'window').length).toBe(asked + 1);
    expect(seen.at(-1)!.seq).toBe(8);
  });

  it('asks again on a new connection after a cut, and closes the window when stopped', () => {
    const { clock, sockets, sub, sent } = setup();
    sub.set({ id: 'table', cluster: 'c1', query: '', offset: 0, limit: 3 });
    sockets[0]!.open();
    sockets[0]!.receive(connected);
    sockets[0]!.receive(snapshot(5, 0, ['a']));
    sockets[0]!.serverClose();
    clock.advance(1000);
    sockets[1]!.open();
    sockets[1]!.receive(connected);
    expect(sent(1).filter((m) => m.type === 'window')).toHaveLength(1);
    sub.stop();
    expect(sent(1).at(-1)).toMatchObject({ type: 'window_close' });
  });

  it('a subscription started on a live connection asks once, not again on its first status tick', () => {
    const { clock, sockets, sub, sent } = setup();
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 });
    sockets[0]!.open();
    sockets[0]!.receive(connected);
    sub.stop();
    const late = new WindowSubscription(client!, () => {});
    late.start();
    late.set({ id: 'table', cluster: 'c1', query: 'sort=name', offset: 0, limit: 3 });
    clock.advance(1500);
    sockets[0]!.receive({ type: 'ping', timestamp: ts });
    expect(
      sent().filter((m) => m.type === 'window' && (m.data as { query?: string }).query === 'sort=name'),
    ).toHaveLength(1);
  });

  it('asks once per connection, not on every status tick while frames arrive', () => {
    const { clock, sockets, sub, sent } = setup();
    sub.set({ id: 'table', cluster: 'c1', query: '', offset: 0, limit: 3 });
    sockets[0]!.open();
    sockets[0]!.receive(connected);
    sockets[0]!.receive(snapshot(5, 0, ['a', 'b', 'c']));
    for (let i = 0; i < 5; i++) {
      clock.advance(1500);
      sockets[0]!.receive({ type: 'ping', timestamp: ts });
    }
    expect(sent().filter((m) => m.type === 'window')).toHaveLength(1);
  });

  it('retries a window of a cluster still syncing', () => {
    const { clock, sockets, sub, sent, seen } = setup();
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 });
    sockets[0]!.open();
    sockets[0]!.receive(connected);
    sockets[0]!.receive({ type: 'error', timestamp: ts, data: { code: 'cluster_syncing', message: 'x' } });
    clock.advance(1000);
    expect(sent().filter((m) => m.type === 'window')).toHaveLength(2);
    sockets[0]!.receive(snapshot(5, 0, ['a']));
    expect(seen).toHaveLength(1);
  });

  it('batched: a burst is delivered once per frame as its latest state; a stop drops what is pending', () => {
    const { clock, sockets, sub, seen } = setup(true);
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 });
    sockets[0]!.open();
    sockets[0]!.receive(connected);
    sockets[0]!.receive(snapshot(5, 0, ['a', 'b', 'c']));
    sockets[0]!.receive(diff(6, 5, [{ op: 'move', from: 2, to: 0 }], 101));
    sockets[0]!.receive(diff(7, 6, [{ op: 'remove', index: 1 }], 100));
    expect(seen).toHaveLength(0);
    clock.advance(16);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ seq: 7, total: 100 });
    expect(seen[0]!.rows.map((r) => r.name)).toEqual(['c', 'b']);
    clock.advance(100);
    expect(seen).toHaveLength(1); // nothing new, nothing delivered
    sockets[0]!.receive(diff(8, 7, [{ op: 'remove', index: 0 }], 99));
    sub.stop();
    clock.advance(100);
    expect(seen).toHaveLength(1);
  });
});

describe('WindowSubscription over the SSE fallback', () => {
  it('opens a stream without clusters and posts requests with its connection_id; back on the WebSocket it sends there', () => {
    const clock = new FakeClock();
    const t = fakeTransports();
    const posted: SseWindowBody[] = [];
    const post = vi.fn((b: SseWindowBody) => {
      posted.push(b);
      return Promise.resolve();
    });
    client = new StreamClient({
      wsUrl: 'ws://h/api/v1/ws/nodes',
      sseUrl: (c) => `/api/v1/sse/nodes?cluster=${c}`,
      createSocket: t.createSocket,
      createEventSource: t.createEventSource,
      clock,
      backoff: { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0 },
      maxWsFailures: 3,
      wsProbeIntervalMs: 30_000,
      sseWindows: { url: '/api/v1/sse/nodes', post },
    });
    const seen: WindowState[] = [];
    const sub = new WindowSubscription(client, (s) => seen.push(s));
    sub.start();
    client.start();
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 });
    for (let i = 0; i < 3; i++) {
      t.sockets.at(-1)!.serverClose();
      clock.advance(8000);
    }
    // on SSE: the windows stream opens; the request waits for its connection id
    expect(t.sources.map((s) => s.url)).toEqual(['/api/v1/sse/nodes']);
    expect(post).not.toHaveBeenCalled();
    t.sources[0]!.receive({ ...connected, data: { ...connected.data, connection_id: 'sse-1' } });
    expect(client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    expect(posted).toEqual([
      { connection_id: 'sse-1', id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 0, limit: 3 },
    ]);
    t.sources[0]!.receive(snapshot(5, 0, ['a', 'b', 'c']));
    t.sources[0]!.receive(diff(6, 5, [{ op: 'remove', index: 0 }], 99));
    expect(seen.at(-1)!.rows.map((r) => r.name)).toEqual(['b', 'c']);
    // scrolling posts again on the same connection
    sub.set({ id: 'table', cluster: 'c1', query: 'sort=-cpu', offset: 3, limit: 3 });
    expect(posted.at(-1)).toMatchObject({ connection_id: 'sse-1', offset: 3 });
    // the WebSocket probe succeeds: the window is asked for there, the SSE stream closes
    clock.advance(30_000);
    const ws = t.sockets.at(-1)!;
    ws.open();
    ws.receive(connected);
    expect(t.sources[0]!.closed).toBe(true);
    expect((ws.sent as { type: string }[]).filter((m) => m.type === 'window')).toHaveLength(1);
    sub.stop();
    expect(posted).toHaveLength(2);
  });
});
