import { describe, expect, it, vi } from 'vitest';
import { serverMessageSchema } from '@/lib/protocol/messages';
import { PushHub } from './hub';
import { FakeChangeSource } from './testing/fake-source';
import { RecordingClient, principal } from './testing/fake-client';

function setup(limits = {}, clusters = ['a', 'b']) {
  let t = Date.parse('2026-03-01T00:00:00Z');
  const now = () => t;
  const source = new FakeChangeSource(clusters, 50, now);
  const hub = new PushHub({ source, now, limits });
  return { source, hub, advance: (ms: number) => (t += ms) };
}

describe('PushHub', () => {
  it('sends connected, subscribed and then live changes as valid protocol messages', () => {
    const { source, hub } = setup();
    const c = new RecordingClient('c1', principal());
    expect(hub.connect(c, [{ cluster: 'a' }])).toEqual({ ok: true });
    source.change('a', 'n1', { changes: ['labels'], labels: { x: '1' } });
    source.change('b', 'n2');
    expect(c.types()).toEqual(['connected', 'subscribed', 'node_update']);
    for (const m of c.messages()) expect(serverMessageSchema.safeParse(m).success).toBe(true);
    const ev = c.messages()[2]!;
    expect(ev).toMatchObject({
      cluster_name: 'a',
      node_name: 'n1',
      seq: 1,
      changes: ['labels'],
      resource_version: '1001',
    });
    expect((ev.data as { labels: Record<string, string> }).labels.x).toBe('1');
  });

  it('serializes a change once for all subscribers of a transport', () => {
    const { source, hub } = setup();
    const a = new RecordingClient('a', principal());
    const b = new RecordingClient('b', principal({ userId: 'u2' }));
    hub.connect(a, [{ cluster: 'a' }]);
    hub.connect(b, [{ cluster: 'a' }]);
    const spy = vi.spyOn(JSON, 'stringify');
    source.change('a', 'n1');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(a.frames.at(-1)).toBe(b.frames.at(-1));
  });

  it('replays exactly the missed changes in order on subscribe with since', () => {
    const { source, hub } = setup();
    for (let i = 0; i < 10; i++) source.change('a', `n${i}`);
    const c = new RecordingClient('c', principal());
    hub.connect(c);
    const res = hub.subscribe('c', 'a', 4);
    expect(res).toEqual({ ok: true, seq: 10, replayed: 6, resync: false });
    const seqs = c
      .messages()
      .filter((m) => m.type === 'node_update')
      .map((m) => m.seq);
    expect(seqs).toEqual([5, 6, 7, 8, 9, 10]);
    expect(c.messages().at(-1)).toMatchObject({ type: 'subscribed', seq: 10, data: { replayed: 6 } });
    source.change('a', 'x');
    expect(c.messages().at(-1)).toMatchObject({ type: 'node_update', seq: 11 });
  });

  it('sends resync when since is older than the history or in the future', () => {
    const { source, hub } = setup();
    for (let i = 0; i < 60; i++) source.change('a', `n${i}`); // capacity 50
    const c = new RecordingClient('c', principal());
    hub.connect(c);
    expect(hub.subscribe('c', 'a', 3)).toMatchObject({ ok: true, resync: true, seq: 60, replayed: 0 });
    expect(c.messages().slice(-2)).toMatchObject([
      { type: 'resync', cluster_name: 'a', seq: 60, data: { reason: 'too_old' } },
      { type: 'subscribed', seq: 60 },
    ]);
    expect(hub.subscribe('c', 'b', 99)).toMatchObject({ resync: true });
    expect(c.messages().at(-2)).toMatchObject({ type: 'resync', data: { reason: 'future_seq' } });
  });

  it('enforces cluster access and existence', () => {
    const { hub } = setup();
    const c = new RecordingClient('c', principal({ clusters: ['a'] }));
    hub.connect(c, [{ cluster: 'b' }]);
    expect(c.messages().at(-1)).toMatchObject({ type: 'error', data: { code: 'forbidden' } });
    expect(hub.subscribe('c', 'zzz')).toMatchObject({ ok: false, code: 'forbidden' });
    const admin = new RecordingClient('d', principal({ userId: 'admin' }));
    hub.connect(admin);
    expect(hub.subscribe('d', 'zzz')).toMatchObject({ ok: false, code: 'unknown_cluster' });
    expect(hub.stats().connections.byCluster).toEqual({});
  });

  it('drops a client whose buffer passes the limit with 4008, others keep receiving', () => {
    const { source, hub } = setup({ maxBufferedBytes: 1000 });
    const slow = new RecordingClient('slow', principal());
    const fast = new RecordingClient('fast', principal({ userId: 'u2' }));
    hub.connect(slow, [{ cluster: 'a' }]);
    hub.connect(fast, [{ cluster: 'a' }]);
    slow.buffered = 1001;
    source.change('a', 'n1');
    source.change('a', 'n2');
    expect(slow.closedWith).toEqual({ code: 4008, reason: 'client too slow' });
    expect(slow.types().filter((t) => t === 'node_update')).toHaveLength(1);
    expect(fast.types().filter((t) => t === 'node_update')).toHaveLength(2);
    expect(hub.stats()).toMatchObject({ slowConsumersDropped: 1, connections: { total: 1 } });
  });

  it('limits connections overall and per user with 1013', () => {
    const { hub } = setup({ maxConnections: 3, maxConnectionsPerUser: 2 });
    expect(hub.connect(new RecordingClient('1', principal()))).toEqual({ ok: true });
    expect(hub.connect(new RecordingClient('2', principal()))).toEqual({ ok: true });
    expect(hub.connect(new RecordingClient('3', principal()))).toMatchObject({ ok: false, code: 1013 });
    expect(hub.connect(new RecordingClient('4', principal({ userId: 'u2' })))).toEqual({ ok: true });
    expect(hub.connect(new RecordingClient('5', principal({ userId: 'u3' })))).toMatchObject({
      ok: false,
      code: 1013,
    });
    hub.disconnect('1');
    expect(hub.connect(new RecordingClient('6', principal()))).toEqual({ ok: true });
    expect(hub.stats().rejectedConnections).toBe(2);
  });

  it('revalidates principals: expired and revoked ones are closed with 4001', async () => {
    let t = 1_000_000;
    const source = new FakeChangeSource(['a']);
    const revoked = new Set<string>();
    const stillValid = vi.fn((p: { userId: string }) => Promise.resolve(!revoked.has(p.userId)));
    const hub = new PushHub({ source, now: () => t, stillValid });
    const shared = principal({ userId: 'u1' });
    const a = new RecordingClient('a', shared);
    const a2 = new RecordingClient('a2', shared);
    const b = new RecordingClient('b', principal({ userId: 'u2', expiresAt: t + 5000 }));
    const c = new RecordingClient('c', principal({ userId: 'u3' }));
    for (const x of [a, a2, b, c]) hub.connect(x, [{ cluster: 'a' }]);
    await hub.revalidate();
    expect([a, a2, b, c].map((x) => x.closedWith)).toEqual([undefined, undefined, undefined, undefined]);
    expect(stillValid).toHaveBeenCalledTimes(3); // one check per distinct principal
    t += 6000;
    revoked.add('u3');
    await hub.revalidate();
    expect(b.closedWith?.code).toBe(4001);
    expect(c.closedWith?.code).toBe(4001);
    expect(a.closedWith).toBeUndefined();
    expect(c.messages().at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
    expect(hub.stats()).toMatchObject({ revalidationCloses: 2, connections: { total: 2 } });
  });

  it('a targeted revalidation checks only the named principals and runs beside a full sweep', async () => {
    const source = new FakeChangeSource(['a']);
    const revoked = new Set<string>(['u1', 'u2']);
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const stillValid = vi.fn(async (p: { userId: string }) => {
      if (p.userId === 'u3') await slow; // holds the full sweep open
      return !revoked.has(p.userId);
    });
    const hub = new PushHub({ source, stillValid });
    const [a, b, c] = ['u1', 'u2', 'u3'].map((u) => new RecordingClient(u, principal({ userId: u })));
    for (const x of [a!, b!, c!]) hub.connect(x, [{ cluster: 'a' }]);
    const sweep = hub.revalidate();
    await hub.revalidate((p) => p.userId === 'u1');
    expect(a!.closedWith?.code).toBe(4001);
    expect(b!.closedWith).toBeUndefined(); // revoked too, but not named: left to the sweep
    release();
    await sweep;
    expect(b!.closedWith?.code).toBe(4001);
    expect(c!.closedWith).toBeUndefined();
  });

  it('keeps connections when stillValid throws', async () => {
    const source = new FakeChangeSource(['a']);
    const hub = new PushHub({ source, stillValid: () => Promise.reject(new Error('db down')) });
    const a = new RecordingClient('a', principal());
    hub.connect(a);
    await expect(hub.revalidate()).resolves.toBeUndefined();
    expect(a.closedWith).toBeUndefined();
  });

  it('broadcasts cluster messages and publishes by cluster_name', () => {
    const { hub } = setup();
    const a = new RecordingClient('a', principal());
    const b = new RecordingClient('b', principal({ userId: 'u2' }));
    hub.connect(a, [{ cluster: 'a' }]);
    hub.connect(b, [{ cluster: 'b' }]);
    const n = hub.publish({ type: 'test', cluster_name: 'a', timestamp: 'now', data: { message: 'hi' } });
    expect(n).toBe(1);
    expect(a.messages().at(-1)).toMatchObject({ type: 'test', data: { message: 'hi' } });
    expect(b.types()).not.toContain('test');
  });

  it('unsubscribe stops changes; a removed cluster unsubscribes everyone', () => {
    const { source, hub } = setup();
    const c = new RecordingClient('c', principal());
    hub.connect(c, [{ cluster: 'a' }, { cluster: 'b' }]);
    hub.handleClientMessage('c', { type: 'unsubscribe', data: { cluster: 'a' } });
    source.change('a', 'n');
    expect(c.types().at(-1)).toBe('unsubscribed');
    source.removeCluster('b');
    expect(c.messages().slice(-2)).toMatchObject([
      { type: 'error', data: { code: 'cluster_removed' } },
      { type: 'unsubscribed', cluster_name: 'b' },
    ]);
    expect(hub.stats().connections.byCluster).toEqual({});
    hub.handleClientMessage('c', { type: 'ping' });
    expect(c.types().at(-1)).toBe('pong');
  });

  it('forwards manager resyncs and moves the resume point', () => {
    const { source, hub } = setup();
    const c = new RecordingClient('c', principal(), 'sse');
    hub.connect(c, [{ cluster: 'a' }]);
    source.change('a', 'n');
    source.resync('a', 'credentials changed');
    expect(c.frames.at(-1)).toMatch(/^id: a:2\nevent: resync\ndata: \{.*"reason":"credentials changed"/);
  });

  it('builds SSE frames with cluster:seq ids, composite for multi-cluster streams', () => {
    const { source, hub } = setup();
    const one = new RecordingClient('one', principal(), 'sse');
    const two = new RecordingClient('two', principal({ userId: 'u2' }), 'sse');
    hub.connect(one, [{ cluster: 'a' }]);
    hub.connect(two, [{ cluster: 'a' }, { cluster: 'b' }]);
    source.change('b', 'x');
    source.change('a', 'y');
    expect(one.frames.at(-1)).toMatch(/^id: a:1\nevent: node_update\ndata: \{"type":"node_update".*\}\n\n$/);
    expect(two.frames.at(-1)).toMatch(/^id: a:1,b:1\nevent: node_update\ndata: /);
    expect(one.frames[0]).toMatch(/^event: connected\n/);
  });

  it('closeAll sends shutdown, closes with 1001 and refuses new clients', () => {
    const { hub } = setup();
    const c = new RecordingClient('c', principal());
    hub.connect(c, [{ cluster: 'a' }]);
    hub.closeAll();
    expect(c.types().at(-1)).toBe('shutdown');
    expect(c.closedWith?.code).toBe(1001);
    expect(hub.connect(new RecordingClient('d', principal()))).toMatchObject({ ok: false, code: 1001 });
  });

  it('stats counts connections by transport, cluster and user plus per-cluster seq', () => {
    const { source, hub } = setup();
    hub.connect(new RecordingClient('1', principal()), [{ cluster: 'a' }]);
    hub.connect(new RecordingClient('2', principal(), 'sse'), [{ cluster: 'a' }, { cluster: 'b' }]);
    source.change('a', 'n');
    const s = hub.stats();
    expect(s.connections).toEqual({
      total: 2,
      byTransport: { ws: 1, sse: 1 },
      byCluster: { a: 2, b: 1 },
      byUser: { u1: 2 },
    });
    expect(s.clusters).toEqual({ a: { seq: 1, subscribers: 2 }, b: { seq: 0, subscribers: 1 } });
    expect(s.messagesSent).toBe(2 + 3 + 2);
  });

  it('detaches from the source on dispose', () => {
    const { source, hub } = setup();
    expect(source.listenerCount).toBe(1);
    hub.dispose();
    expect(source.listenerCount).toBe(0);
  });

  it('pushes cluster_status to every reader of the cluster, subscribed or not, and to no one else', () => {
    const source = new FakeChangeSource(['a', 'b'], 50);
    let nodes = 3;
    const hub = new PushHub({
      source,
      clusterStatus: (c) => (c === 'a' ? { status: 'ready', nodes, ready: nodes - 1 } : undefined),
    });
    const reader = new RecordingClient('r', principal({ clusters: ['a'] }));
    const subscriber = new RecordingClient('s', principal({ userId: 'u2', clusters: ['a'] }));
    const outsider = new RecordingClient('o', principal({ userId: 'u3', clusters: ['b'] }));
    hub.connect(reader);
    hub.connect(subscriber, [{ cluster: 'a' }]);
    hub.connect(outsider, [{ cluster: 'b' }]);
    nodes = 4;
    source.change('a', 'n1');
    const status = (c: RecordingClient) => c.messages().filter((m) => m.type === 'cluster_status');
    expect(status(reader)).toEqual([
      expect.objectContaining({ cluster_name: 'a', data: { status: 'ready', nodes: 4, ready: 3 } }),
    ]);
    expect(status(subscriber)).toHaveLength(1);
    expect(status(outsider)).toEqual([]);
    for (const m of status(reader)) expect(serverMessageSchema.safeParse(m).success).toBe(true);
    hub.dispose();
  });
});
