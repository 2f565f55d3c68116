import { afterEach, describe, expect, it } from 'vitest';
import { Informer, type InformerTransport, type WatchRequest } from './informer';
import { sleep, until } from './testing/harness';

interface FakeWatch {
  req: WatchRequest;
  aborted: boolean;
}

function fakeTransport() {
  const watches: FakeWatch[] = [];
  const lists: number[] = [];
  let listRv = 10;
  let failLists = 0;
  const transport: InformerTransport = {
    list(signal) {
      lists.push(listRv);
      if (failLists > 0) {
        failLists--;
        return Promise.reject(Object.assign(new Error('boom'), { code: 500 }));
      }
      if (signal.aborted) return Promise.reject(new Error('aborted'));
      return Promise.resolve({
        items: [{ metadata: { name: 'a', resourceVersion: String(listRv) } }],
        resourceVersion: String(listRv),
      });
    },
    watch(req) {
      const w = { req, aborted: false };
      watches.push(w);
      queueMicrotask(() => req.onEstablished());
      return { abort: () => void (w.aborted = true) };
    },
  };
  return {
    transport,
    watches,
    lists,
    setListRv: (rv: number) => void (listRv = rv),
    failNextLists: (n: number) => void (failLists = n),
    last: () => watches[watches.length - 1] as FakeWatch,
  };
}

const tick = (ms = 0) => sleep(ms);

let informer: Informer | null = null;
afterEach(async () => {
  await informer?.stop();
  informer = null;
});

function make(f: ReturnType<typeof fakeTransport>, watchdogMs = 10_000) {
  const log: string[] = [];
  informer = new Informer({
    name: 't',
    transport: f.transport,
    watchdogMs,
    backoff: { initialMs: 5, maxMs: 20 },
    handlers: {
      onList: (items) => log.push(`list:${items.length}`),
      onEvent: (type, o) =>
        log.push(`${type}:${(o as { metadata: { resourceVersion: string } }).metadata.resourceVersion}`),
      onState: (s) => log.push(`state:${s}`),
    },
  });
  informer.start();
  return log;
}

const ev = (rv: number) => ({ metadata: { name: 'a', resourceVersion: String(rv) } });

describe('Informer', () => {
  it('lists, then watches from the list RV with bookmarks and a randomized timeout', async () => {
    const f = fakeTransport();
    const log = make(f);
    await until(() => f.watches.length === 1);
    const w = f.last();
    expect(w.req.resourceVersion).toBe('10');
    expect(w.req.allowWatchBookmarks).toBe(true);
    expect(w.req.timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(w.req.timeoutSeconds).toBeLessThanOrEqual(600);
    w.req.onEvent('MODIFIED', ev(11));
    w.req.onEvent('BOOKMARK', ev(15));
    expect(informer?.resourceVersion).toBe('15');
    await tick();
    expect(log).toEqual(['state:listing', 'list:1', 'state:watching', 'MODIFIED:11']);
  });

  it('resumes from the last RV after an error, without relisting, after a backoff', async () => {
    const f = fakeTransport();
    const log = make(f);
    await until(() => f.watches.length === 1);
    f.last().req.onEvent('ADDED', ev(12));
    f.last().req.onDone(new Error('socket hang up'));
    await until(() => f.watches.length === 2);
    expect(f.watches[0]?.aborted).toBe(true);
    expect(f.last().req.resourceVersion).toBe('12');
    expect(f.lists).toHaveLength(1);
    expect(log).toContain('state:error');
    expect(informer?.stats.lastError).toBe('socket hang up');
    expect(informer?.stats.restartsByReason).toEqual({ error: 1 });
  });

  it('treats a clean close long before timeoutSeconds as a cut connection', async () => {
    const f = fakeTransport();
    const log = make(f);
    await until(() => f.watches.length === 1);
    f.last().req.onDone(null);
    await until(() => f.watches.length === 2);
    expect(log).toContain('state:error');
    expect(informer?.stats.lastError).toMatch(/closed by the server after \d+ ms/);
    expect(f.lists).toHaveLength(1);
    expect(informer?.stats.restartsByReason).toEqual({ closed_early: 1 });
  });

  it('relists on 410 (ERROR event and HTTP status) and ignores the dead stream', async () => {
    const f = fakeTransport();
    const log = make(f);
    await until(() => f.watches.length === 1);
    const first = f.last();
    f.setListRv(20);
    first.req.onEvent('ERROR', { kind: 'Status', code: 410, message: 'too old resource version' });
    first.req.onEvent('MODIFIED', ev(99)); // late event from the dead stream is ignored
    await until(() => f.watches.length === 2);
    expect(f.lists).toEqual([10, 20]);
    expect(f.last().req.resourceVersion).toBe('20');
    f.setListRv(30);
    f.last().req.onDone(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await until(() => f.watches.length === 3);
    expect(f.lists).toEqual([10, 20, 30]);
    expect(log).not.toContain('MODIFIED:99');
    expect(informer?.stats.restartsByReason).toEqual({ gone: 2 });
    expect(informer?.stats.watchRestarts).toBe(2);
  });

  it('restarts a silent watch via the watchdog', async () => {
    const f = fakeTransport();
    const log = make(f, 40);
    await until(() => f.watches.length === 1);
    f.last().req.onEvent('BOOKMARK', ev(10)); // keeps it alive once
    await until(() => f.watches.length === 2, 1000);
    expect(f.watches[0]?.aborted).toBe(true);
    expect(informer?.stats.lastError).toMatch(/silent for 40 ms/);
    expect(log.filter((l) => l === 'state:error')).toHaveLength(1);
    expect(informer?.stats.restartsByReason).toEqual({ watchdog: 1 });
  });

  it('backs off when the list itself answers 410 (expired continue token)', async () => {
    const f = fakeTransport();
    let calls = 0;
    const inner = f.transport.list;
    f.transport.list = async (signal) => {
      calls++;
      if (calls <= 2) throw Object.assign(new Error('continue expired'), { statusCode: 410 });
      return inner(signal);
    };
    const log = make(f);
    await until(() => f.watches.length === 1);
    expect(calls).toBe(3);
    expect(log.filter((l) => l === 'state:error')).toHaveLength(2);
  });

  it('retries failing lists with backoff and recovers', async () => {
    const f = fakeTransport();
    f.failNextLists(2);
    const log = make(f);
    await until(() => f.watches.length === 1);
    expect(f.lists).toHaveLength(3);
    expect(log.filter((l) => l === 'state:error')).toHaveLength(2);
  });

  it('a throwing handler forces a relist instead of killing the loop', async () => {
    const f = fakeTransport();
    let calls = 0;
    informer = new Informer({
      name: 't',
      transport: f.transport,
      watchdogMs: 10_000,
      backoff: { initialMs: 5, maxMs: 20 },
      handlers: {
        onList: () => undefined,
        onEvent: () => {
          calls++;
          throw new Error('handler bug');
        },
        onState: () => undefined,
      },
    });
    informer.start();
    await until(() => f.watches.length === 1);
    f.last().req.onEvent('ADDED', ev(11));
    await until(() => f.watches.length === 2);
    expect(calls).toBe(1);
    expect(f.lists).toHaveLength(2);
  });

  it('stop aborts the in-flight watch and the loop ends', async () => {
    const f = fakeTransport();
    make(f);
    await until(() => f.watches.length === 1);
    await informer?.stop();
    expect(f.last().aborted).toBe(true);
    await tick(30);
    expect(f.watches).toHaveLength(1);
  });
});
