import { afterEach, describe, expect, it, vi } from 'vitest';
import { StreamClient, type StreamEvent } from './stream-client';
import { FakeClock, fakeTransports } from './stream-fakes';
import { makeEvent } from './test-fixtures';

const ts = '2026-01-01T00:00:00Z';
const connected = (clusters: Record<string, number> = {}) => ({
  type: 'connected',
  timestamp: ts,
  data: {
    connection_id: 'x',
    user: 'u',
    clusters: Object.fromEntries(Object.entries(clusters).map(([k, seq]) => [k, { seq }])),
  },
});
const subscribed = (cluster: string, seq: number) => ({
  type: 'subscribed',
  timestamp: ts,
  cluster_name: cluster,
  seq,
  data: { replayed: 0 },
});

let client: StreamClient | null = null;
afterEach(() => client?.stop());

function setup(opts: { sse?: boolean; probeServer?: () => Promise<boolean> } = {}) {
  const clock = new FakeClock();
  const t = fakeTransports();
  client = new StreamClient({
    wsUrl: 'ws://h/api/v1/ws/nodes',
    sseUrl: (c, since) => `/api/v1/sse/nodes?cluster=${c}${since === undefined ? '' : `&since=${since}`}`,
    createSocket: t.createSocket,
    createEventSource: opts.sse === false ? undefined : t.createEventSource,
    clock,
    backoff: { initialMs: 1000, maxMs: 8000, factor: 2, jitter: 0.5 },
    maxWsFailures: 3,
    probeServer: opts.probeServer,
  });
  const events: StreamEvent[] = [];
  client.onEvent((e) => events.push(e));
  const c = client;
  const states = () => events.flatMap((e) => (e.type === 'state' ? [e.status.state] : []));
  const nodeSeqs = () =>
    events.flatMap((e) =>
      e.type === 'message' && 'seq' in e.message && e.message.type.startsWith('node_') ? [e.message.seq] : [],
    );
  const resyncs = () => events.filter((e) => e.type === 'resync');
  return { clock, ...t, client: c, events, states, nodeSeqs, resyncs };
}

describe('StreamClient over WebSocket', () => {
  it('stops and reports session_ended when the server closes with 4001, without reconnecting', () => {
    const { client, sockets, clock, events, states } = setup();
    client.start();
    client.subscribe('c1', 1);
    sockets[0]!.open();
    sockets[0]!.receive(connected({ c1: 1 }));
    sockets[0]!.h.onClose(4001, 'session expired');
    expect(events.at(-1)).toEqual({ type: 'session_ended', reason: 'session expired' });
    expect(states().at(-1)).toBe('offline');
    clock.advance(120_000);
    expect(sockets).toHaveLength(1);
  });

  it('connects, subscribes from the given seq once open, and goes live only on the connected frame', () => {
    const { client, sockets, states, clock } = setup();
    client.start();
    client.subscribe('c1', 10);
    expect(states()).toEqual(['connecting']);
    expect(client.getStatus()).toEqual({ state: 'connecting', transport: 'websocket', lastUpdateAt: null });
    const ws = sockets[0]!;
    expect(ws.url).toBe('ws://h/api/v1/ws/nodes');
    expect(ws.sent).toEqual([]);
    ws.open();
    // an open socket proves nothing yet (a proxy may accept the upgrade and never forward a frame)
    expect(states()).toEqual(['connecting']);
    clock.advance(1234);
    ws.receive(connected({ c1: 10 }));
    expect(states()).toEqual(['connecting', 'live']);
    expect(client.getStatus()).toEqual({ state: 'live', transport: 'websocket', lastUpdateAt: 1234 });
    expect(ws.sent).toEqual([{ type: 'subscribe', data: { cluster: 'c1', since: 10 } }]);
    client.subscribe('c2');
    expect(ws.sent[1]).toEqual({ type: 'subscribe', data: { cluster: 'c2' } });
  });

  it('answers ping with pong and ignores malformed messages with a protocol error', () => {
    const { client, sockets, events } = setup();
    client.start();
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'ping', timestamp: ts });
    expect(sockets[0]!.sent).toEqual([{ type: 'pong', timestamp: ts }]);
    sockets[0]!.receive('{not json');
    sockets[0]!.receive({ type: 'node_add', timestamp: ts, cluster_name: 'c1' });
    const errors = events.filter((e) => e.type === 'protocol_error');
    expect(errors).toHaveLength(2);
    expect((errors[1] as { error: string }).error).toMatch(/node_name|seq|data/);
  });

  it('delivers node events in order, drops duplicates and treats a seq gap as resync', () => {
    const { client, sockets, nodeSeqs, resyncs } = setup();
    client.start();
    client.subscribe('c1', 10);
    const ws = sockets[0]!;
    ws.open();
    ws.receive(subscribed('c1', 10));
    ws.receive(makeEvent('node_update', 'a', 11));
    ws.receive(makeEvent('node_update', 'a', 11)); // duplicate
    ws.receive(makeEvent('node_update', 'a', 9)); // old
    ws.receive(makeEvent('node_update', 'a', 12));
    expect(nodeSeqs()).toEqual([11, 12]);
    ws.receive(makeEvent('node_update', 'a', 14)); // 13 lost
    expect(resyncs()).toEqual([{ type: 'resync', cluster: 'c1', reason: 'seq gap: got 14' }]);
    ws.receive(makeEvent('node_update', 'a', 15)); // dropped until resubscribed
    expect(nodeSeqs()).toEqual([11, 12]);
    expect(client.isResyncing('c1')).toBe(true);
    // the owner refetched its list (seq 20) and resubscribes from it
    client.subscribe('c1', 20);
    expect(ws.sent.at(-1)).toEqual({ type: 'subscribe', data: { cluster: 'c1', since: 20 } });
    ws.receive(makeEvent('node_update', 'a', 23)); // in flight from the old subscription: not a gap yet
    expect(resyncs()).toHaveLength(1);
    ws.receive(subscribed('c1', 23));
    ws.receive(makeEvent('node_update', 'a', 21)); // replay
    ws.receive(makeEvent('node_update', 'a', 22));
    ws.receive(makeEvent('node_update', 'a', 23));
    ws.receive(makeEvent('node_update', 'a', 24));
    expect(nodeSeqs()).toEqual([11, 12, 21, 22, 23, 24]);
    expect(resyncs()).toHaveLength(1);
  });

  it('passes a server resync on and ignores events for clusters it did not subscribe', () => {
    const { client, sockets, resyncs, nodeSeqs } = setup();
    client.start();
    client.subscribe('c1', 5);
    sockets[0]!.open();
    sockets[0]!.receive(makeEvent('node_add', 'x', 1, {}, 'other'));
    sockets[0]!.receive({
      type: 'resync',
      timestamp: ts,
      cluster_name: 'c1',
      seq: 0,
      data: { reason: 'too_old' },
    });
    expect(resyncs()).toEqual([{ type: 'resync', cluster: 'c1', reason: 'too_old' }]);
    expect(nodeSeqs()).toEqual([]);
  });

  it('detects a server whose seq went backwards (restart) from connected and subscribed', () => {
    const { client, sockets, resyncs } = setup();
    client.start();
    client.subscribe('c1', 50);
    sockets[0]!.open();
    sockets[0]!.receive(connected({ c1: 3 }));
    expect(resyncs()).toEqual([{ type: 'resync', cluster: 'c1', reason: 'server seq went backwards' }]);
  });

  it('reconnects with exponential backoff + jitter and resumes from the last seq seen', () => {
    const { client, sockets, clock, states } = setup();
    clock.randomValue = 0.5; // jitter removes 25% of each delay
    client.start();
    client.subscribe('c1', 10);
    sockets[0]!.open();
    sockets[0]!.receive(connected({ c1: 10 }));
    sockets[0]!.receive(makeEvent('node_update', 'a', 11));
    sockets[0]!.serverClose();
    expect(states().at(-1)).toBe('reconnecting');
    // a live connection dropped: first retry after initialMs * 0.75
    clock.advance(749);
    expect(sockets).toHaveLength(1);
    clock.advance(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.serverClose(); // never opened: failure 1
    clock.advance(749);
    expect(sockets).toHaveLength(2);
    clock.advance(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.serverClose(); // failure 2: 2000 * 0.75
    clock.advance(1499);
    expect(sockets).toHaveLength(3);
    clock.advance(1);
    expect(sockets).toHaveLength(4);
    sockets[3]!.open();
    expect(states().at(-1)).toBe('reconnecting');
    sockets[3]!.receive(connected({ c1: 11 }));
    expect(states().at(-1)).toBe('live');
    expect(sockets[3]!.sent).toEqual([{ type: 'subscribe', data: { cluster: 'c1', since: 11 } }]);
  });

  it('caps the backoff and keeps retrying the WebSocket when no SSE is available', () => {
    const { client, sockets, clock } = setup({ sse: false });
    client.start();
    for (let i = 0; i < 8; i++) {
      sockets.at(-1)!.serverClose();
      clock.advance(8000);
    }
    expect(sockets).toHaveLength(9);
    expect(client.getState()).toBe('reconnecting');
  });

  it('treats a socket that never opens or goes silent as dead', () => {
    const { client, sockets, clock } = setup();
    client.start();
    clock.advance(10_000); // connect timeout
    expect(sockets[0]!.closed).toBe(true);
    clock.advance(1000);
    sockets[1]!.open();
    sockets[1]!.receive(connected());
    clock.advance(59_999);
    expect(sockets[1]!.closed).toBe(false);
    clock.advance(1);
    expect(sockets[1]!.closed).toBe(true);
    expect(client.getState()).toBe('reconnecting');
  });
});

describe('StreamClient SSE fallback', () => {
  function failThrice(s: ReturnType<typeof setup>) {
    for (let i = 0; i < 3; i++) {
      s.sockets.at(-1)!.serverClose();
      s.clock.advance(8000);
    }
  }

  it('falls back to SSE per cluster after repeated WebSocket failures, resuming from the last seq', () => {
    const s = setup();
    s.client.start();
    s.client.subscribe('c1', 7);
    s.client.subscribe('c2');
    failThrice(s);
    // the streams are opening: not live until each has delivered its subscribed frame
    expect(s.client.getStatus()).toMatchObject({ state: 'connecting', transport: 'sse' });
    expect(s.sources.map((x) => x.url)).toEqual([
      '/api/v1/sse/nodes?cluster=c1&since=7',
      '/api/v1/sse/nodes?cluster=c2',
    ]);
    s.sources[0]!.receive(subscribed('c1', 7));
    expect(s.client.getState()).toBe('connecting');
    s.sources[1]!.receive(subscribed('c2', 0));
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    s.sources[0]!.receive(makeEvent('node_update', 'a', 8));
    s.sources[0]!.receive(makeEvent('node_update', 'a', 9));
    expect(s.nodeSeqs()).toEqual([8, 9]);
    // an SSE error reaches the status at once, then the stream reopens from the last seq after backoff
    s.sources[0]!.h.onError();
    expect(s.sources[0]!.closed).toBe(true);
    expect(s.client.getStatus()).toMatchObject({ state: 'reconnecting', transport: 'sse' });
    s.clock.advance(1000);
    expect(s.sources.at(-1)!.url).toBe('/api/v1/sse/nodes?cluster=c1&since=9');
    // a seq gap on SSE closes that cluster's stream until resubscribed
    const c1 = s.sources.at(-1)!;
    c1.receive(makeEvent('node_update', 'a', 12));
    expect(s.resyncs()).toHaveLength(1);
    expect(c1.closed).toBe(true);
    s.client.subscribe('c1', 30);
    expect(s.sources.at(-1)!.url).toBe('/api/v1/sse/nodes?cluster=c1&since=30');
  });

  it('probes the WebSocket again and leaves SSE when it opens', () => {
    const s = setup();
    s.client.start();
    s.client.subscribe('c1', 7);
    failThrice(s);
    const before = s.sockets.length;
    s.sources[0]!.receive(subscribed('c1', 7));
    s.sources[0]!.receive(makeEvent('node_update', 'a', 8));
    s.clock.advance(60_000);
    expect(s.sockets.length).toBe(before + 1);
    s.sockets.at(-1)!.serverClose(); // probe failed: stay on SSE
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    expect(s.sources[0]!.closed).toBe(false);
    s.clock.advance(60_000);
    s.sockets.at(-1)!.open();
    // the probe socket opened but has not spoken: SSE stays in charge
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    expect(s.sources[0]!.closed).toBe(false);
    s.sockets.at(-1)!.receive(connected({ c1: 8 }));
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'websocket' });
    expect(s.sources[0]!.closed).toBe(true);
    expect(s.sockets.at(-1)!.sent).toEqual([{ type: 'subscribe', data: { cluster: 'c1', since: 8 } }]);
  });
});

describe('StreamClient with the server down', () => {
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('never calls a dead server live: keeps retrying the WebSocket, backoff capped, and no SSE while the server does not answer', async () => {
    let answers = false;
    const probes: number[] = [];
    const s = setup({
      probeServer: () => {
        probes.push(s.clock.now());
        return Promise.resolve(answers);
      },
    });
    s.client.start();
    s.client.subscribe('c1', 5);
    s.sockets[0]!.open();
    s.sockets[0]!.receive(connected({ c1: 5 }));
    expect(s.client.getState()).toBe('live');
    s.sockets[0]!.serverClose(1001); // the server stops
    expect(s.client.getStatus()).toMatchObject({ state: 'reconnecting', transport: 'websocket' });
    const gaps: number[] = [];
    let last = s.clock.now();
    for (let i = 0; i < 10; i++) {
      const n = s.sockets.length;
      while (s.sockets.length === n) s.clock.advance(100);
      gaps.push(s.clock.now() - last);
      last = s.clock.now();
      s.sockets.at(-1)!.serverClose(1006); // refused
      await flush();
      expect(s.client.getState()).toBe('reconnecting');
    }
    expect(s.sources).toHaveLength(0);
    expect(probes.length).toBeGreaterThan(5);
    // jittered (random 0 here: full delays), doubling, capped at the backoff's 8 s
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8000);
    expect(gaps.at(-1)).toBe(8000);
    // the server is back: the next attempt is a WebSocket, live on its connected frame
    answers = true;
    s.clock.advance(8000);
    s.sockets.at(-1)!.open();
    s.sockets.at(-1)!.receive(connected({ c1: 5 }));
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'websocket' });
    expect(s.sockets.at(-1)!.sent).toEqual([{ type: 'subscribe', data: { cluster: 'c1', since: 5 } }]);
  });

  it('falls back to SSE only when WebSockets fail while the server answers', async () => {
    const s = setup({ probeServer: () => Promise.resolve(true) });
    s.client.start();
    s.client.subscribe('c1', 5);
    for (let i = 0; i < 3; i++) {
      s.sockets.at(-1)!.serverClose(1011);
      await flush();
      s.clock.advance(8000);
    }
    expect(s.sources.map((x) => x.url)).toEqual(['/api/v1/sse/nodes?cluster=c1&since=5']);
    expect(s.client.getStatus()).toMatchObject({ state: 'connecting', transport: 'sse' });
  });

  it('on SSE: a stream error shows at once, and when the stream recovers the WebSocket is tried at once', () => {
    const s = setup();
    s.client.start();
    s.client.subscribe('c1', 5);
    for (let i = 0; i < 3; i++) {
      s.sockets.at(-1)!.serverClose(1011);
      s.clock.advance(8000);
    }
    const sockets = s.sockets.length;
    s.sources[0]!.receive(subscribed('c1', 5));
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    s.sources[0]!.h.onError(); // the server stops
    expect(s.client.getStatus()).toMatchObject({ state: 'reconnecting', transport: 'sse' });
    for (let i = 0; i < 4; i++) {
      s.clock.advance(8000);
      s.sources.at(-1)!.h.onError(); // still down
      expect(s.client.getState()).toBe('reconnecting');
    }
    expect(s.sockets).toHaveLength(sockets);
    s.clock.advance(8000);
    s.sources.at(-1)!.receive(subscribed('c1', 5)); // back
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'sse' });
    expect(s.sockets).toHaveLength(sockets + 1);
    s.sockets.at(-1)!.open();
    s.sockets.at(-1)!.receive(connected({ c1: 5 }));
    expect(s.client.getStatus()).toMatchObject({ state: 'live', transport: 'websocket' });
    expect(s.sources.every((x) => x.closed)).toBe(true);
  });

  it('notes the time of the last frame, reporting it at most once a second', () => {
    const s = setup();
    s.client.start();
    s.sockets[0]!.open();
    s.clock.advance(500);
    s.sockets[0]!.receive(connected());
    const reports = () => s.events.filter((e) => e.type === 'state').length;
    const before = reports();
    s.clock.advance(300);
    s.sockets[0]!.receive({ type: 'ping', timestamp: ts });
    expect(reports()).toBe(before);
    expect(s.client.getStatus().lastUpdateAt).toBe(800);
    s.clock.advance(1000);
    s.sockets[0]!.receive({ type: 'ping', timestamp: ts });
    expect(reports()).toBe(before + 1);
    expect(s.client.getStatus().lastUpdateAt).toBe(1800);
  });
});

describe('StreamClient lifecycle', () => {
  it('parks while offline, reconnects at once when back online, and leaves no timers after stop', () => {
    const s = setup();
    s.client.start();
    s.sockets[0]!.open();
    s.client.setOnline(false);
    expect(s.client.getState()).toBe('offline');
    expect(s.sockets[0]!.closed).toBe(true);
    expect(s.clock.pending()).toBe(0);
    s.client.setOnline(true);
    expect(s.sockets).toHaveLength(2);
    s.client.unsubscribe('nope');
    s.client.subscribe('c1', 1);
    s.sockets[1]!.open();
    s.client.unsubscribe('c1');
    expect(s.sockets[1]!.sent.at(-1)).toEqual({ type: 'unsubscribe', data: { cluster: 'c1' } });
    s.client.stop();
    expect(s.clock.pending()).toBe(0);
    expect(s.sockets[1]!.closed).toBe(true);
    s.sockets[1]!.serverClose(); // late close from a dead socket is ignored
    expect(s.sockets).toHaveLength(2);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const s = setup();
    const seen: string[] = [];
    const off = s.client.onEvent(() => {
      throw new Error('boom');
    });
    s.client.onEvent((e) => seen.push(e.type));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    s.client.start();
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
    off();
    expect(seen).toEqual(['state']);
  });
});
