import { describe, expect, it } from 'vitest';
import { PushHub } from './hub';
import { createSseStream } from './sse';
import { SseParser, type SseEvent } from './sse-parser';
import { principal } from './testing/fake-client';
import { FakeChangeSource } from './testing/fake-source';

async function readEvents(reader: ReadableStreamDefaultReader<Uint8Array>, parser: SseParser, count: number) {
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    events.push(...parser.feed(decoder.decode(value, { stream: true })));
  }
  return events;
}

describe('createSseStream', () => {
  it('streams retry, connected, replay and live events with resume ids', async () => {
    const source = new FakeChangeSource(['a']);
    for (let i = 0; i < 5; i++) source.change('a', `n${i}`);
    const hub = new PushHub({ source });
    const ctrl = new AbortController();
    const res = createSseStream({
      hub,
      principal: principal(),
      subscriptions: [{ cluster: 'a', since: 3 }],
      signal: ctrl.signal,
    });
    if (!res.ok) throw new Error('rejected');
    source.change('a', 'live');
    const parser = new SseParser();
    const reader = res.stream.getReader();
    const events = await readEvents(reader, parser, 5);
    expect(parser.retry).toBe(3000);
    expect(events.map((e) => [e.event, e.lastEventId])).toEqual([
      ['connected', ''],
      ['node_update', 'a:4'],
      ['node_update', 'a:5'],
      ['subscribed', 'a:5'],
      ['node_update', 'a:6'],
    ]);
    ctrl.abort();
    expect(hub.stats().connections.total).toBe(0);
    expect((await reader.read()).done).toBe(true);
  });

  it('reports unread bytes as bufferedAmount so the hub drops a stalled stream', () => {
    const source = new FakeChangeSource(['a']);
    const hub = new PushHub({ source, limits: { maxBufferedBytes: 20_000 } });
    const res = createSseStream({
      hub,
      principal: principal(),
      subscriptions: [{ cluster: 'a' }],
      highWaterMark: 1024,
    });
    if (!res.ok) throw new Error('rejected');
    for (let i = 0; i < 30; i++) source.change('a', `n${i}`);
    expect(hub.stats().slowConsumersDropped).toBe(1);
    expect(hub.stats().connections.total).toBe(0);
  });

  it('sends comment heartbeats and a final shutdown event through the registered closer', async () => {
    const source = new FakeChangeSource(['a']);
    const hub = new PushHub({ source });
    const closers = new Set<() => void>();
    const res = createSseStream({
      hub,
      principal: principal(),
      subscriptions: [],
      heartbeatMs: 20,
      registerCloser: (fn) => {
        closers.add(fn);
        return () => closers.delete(fn);
      },
    });
    if (!res.ok) throw new Error('rejected');
    await new Promise((r) => setTimeout(r, 70));
    for (const close of [...closers]) close();
    expect(closers.size).toBe(0);
    const parser = new SseParser();
    const events = await readEvents(res.stream.getReader(), parser, 99);
    expect(events.map((e) => e.event)).toEqual(['connected', 'shutdown']);
    expect(parser.comments).toBeGreaterThanOrEqual(2);
    expect(hub.stats().connections.total).toBe(0);
  });

  it('is refused when the hub is at its limit', () => {
    const hub = new PushHub({ source: new FakeChangeSource(['a']), limits: { maxConnectionsPerUser: 1 } });
    expect(createSseStream({ hub, principal: principal(), subscriptions: [] }).ok).toBe(true);
    expect(createSseStream({ hub, principal: principal(), subscriptions: [] })).toMatchObject({
      ok: false,
      code: 1013,
    });
  });
});
