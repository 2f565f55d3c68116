import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/types';
import { LocalBus } from '@/lib/bus/local-bus';
import { PushHub } from '@/lib/push/hub';
import { SseParser } from '@/lib/push/sse-parser';
import { RecordingClient, principal } from '@/lib/push/testing/fake-client';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import { clearAppContext, setAppContext, type AppContext } from '@/lib/server/app-context';
import { GET as sseGet } from '../sse/nodes/route';
import { GET as pingGet } from './ping/route';
import { GET as statsGet } from './stats/route';
import { POST as testPost } from './test/route';

const users: Record<string, Principal> = {
  admin: principal({ userId: 'ad', username: 'root', role: 'admin' }),
  viewer: principal({ userId: 'v', username: 'vera', role: 'viewer', clusters: ['prod'] }),
};
let source: FakeChangeSource;
let hub: PushHub;
let audits: Array<Record<string, unknown>>;
let sseClosers: Set<() => void>;

beforeEach(() => {
  source = new FakeChangeSource(['prod', 'secret']);
  hub = new PushHub({ source });
  audits = [];
  sseClosers = new Set();
  const bus = new LocalBus('test-replica');
  bus.subscribe((m) => void (m.type === 'push.message' && hub.publish(m.message)));
  setAppContext({
    instanceId: 'test-replica',
    bus,
    config: { publicOrigins: ['http://localhost:3000'] },
    logger: { error: () => undefined },
    shuttingDown: false,
    hub,
    manager: {
      statuses: () => [
        {
          name: 'prod',
          state: 'ready',
          seq: 0,
          eventsPerSecond: 2,
          lagMs: 5,
          nodes: 3,
          stats: { watchRestarts: 1 },
        },
        {
          name: 'secret',
          state: 'degraded',
          lastError: 'boom',
          seq: 0,
          eventsPerSecond: 0,
          lagMs: null,
          nodes: 0,
          stats: { watchRestarts: 4 },
        },
      ],
    },
    sseClosers,
    audit: {
      begin: (e: Record<string, unknown>) => Promise.resolve(audits.push({ ...e, result: 'pending' }) - 1),
      complete: (id: number, result: string) => Promise.resolve(void (audits[id]!.result = result)),
    },
    auth: {
      authenticate: (req: Request) => Promise.resolve(users[req.headers.get('x-test-user') ?? ''] ?? null),
      stillValid: () => Promise.resolve(true),
    },
  } as unknown as AppContext);
});
afterEach(() => {
  hub.closeAll();
  hub.dispose();
  clearAppContext();
});

function req(path: string, user?: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (user) headers['x-test-user'] = user;
  return new Request(`http://localhost:3000${path}`, { ...init, headers });
}

describe('push routes', () => {
  it('GET /api/v1/ws/ping answers without authentication', async () => {
    const res = await pingGet(req('/api/v1/ws/ping'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pong: true, time: expect.any(String) });
  });

  it('GET /api/v1/ws/stats is admin-only', async () => {
    expect((await statsGet(req('/api/v1/ws/stats'))).status).toBe(401);
    expect((await statsGet(req('/api/v1/ws/stats', 'viewer'))).status).toBe(403);
    hub.connect(new RecordingClient('c', users.viewer!), [{ cluster: 'prod' }]);
    const res = await statsGet(req('/api/v1/ws/stats', 'admin'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      connections: { total: 1, byCluster: { prod: 1 } },
      clusters: {
        prod: { seq: 0, subscribers: 1, informer: { state: 'ready', nodes: 3, watchRestarts: 1 } },
        secret: { subscribers: 0, informer: { state: 'degraded', lastError: 'boom' } },
      },
      replica: { instanceId: 'test-replica', bus: { kind: 'local', connected: true }, demoHost: false },
    });
  });

  it('POST /api/v1/ws/test pushes a test message and is audited', async () => {
    const c = new RecordingClient('c', users.viewer!);
    hub.connect(c, [{ cluster: 'prod' }]);
    const post = (user: string, body: unknown) =>
      testPost(
        req('/api/v1/ws/test', user, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        }),
      );
    expect((await post('viewer', { cluster: 'prod' })).status).toBe(403);
    const res = await post('admin', { cluster: 'prod', message: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cluster: 'prod', recipients: 1 });
    expect(c.messages().at(-1)).toMatchObject({
      type: 'test',
      cluster_name: 'prod',
      data: { message: 'hello' },
    });
    expect(audits).toMatchObject([
      { action: 'push.test', cluster: 'prod', result: 'success', user: { username: 'root' } },
    ]);
    expect((await post('admin', { cluster: 'ghost' })).status).toBe(404);
    const bad = await post('admin', { cluster: '' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('body.cluster');
  });

  it('GET /api/v1/sse/nodes streams with SSE headers and registers a shutdown closer', async () => {
    expect((await sseGet(req('/api/v1/sse/nodes?cluster=prod'))).status).toBe(401);
    expect((await sseGet(req('/api/v1/sse/nodes?cluster=secret', 'viewer'))).status).toBe(403);
    expect((await sseGet(req('/api/v1/sse/nodes?cluster=ghost', 'admin'))).status).toBe(404);
    source.change('prod', 'n1');
    const abort = new AbortController();
    const res = await sseGet(
      req('/api/v1/sse/nodes?cluster=prod', 'viewer', {
        signal: abort.signal,
        headers: { 'last-event-id': 'prod:0' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(sseClosers.size).toBe(1);
    for (const close of [...sseClosers]) close();
    const text = await res.text();
    const events = new SseParser().feed(text);
    expect(events.map((e) => e.event)).toEqual(['connected', 'node_update', 'subscribed', 'shutdown']);
    expect(events[1]!.lastEventId).toBe('prod:1');
    expect(sseClosers.size).toBe(0);
    expect(hub.stats().connections.total).toBe(0);
  });
});
