import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/auth/types';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { principal } from '@/lib/push/testing/fake-client';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import { startPushTestServer, type PushTestServer } from '@/lib/push/testing/test-server';

let srv: PushTestServer;
const source = new FakeChangeSource(['prod', 'secret']);
const tokens = {
  admin: principal({ userId: 'admin', role: 'admin' }),
  viewer: principal({ userId: 'v', username: 'vera', clusters: ['prod'] }),
  doomed: principal({ userId: 'd', username: 'dora' }),
};
const revoked = new Set<string>();
/** the hub allows 3 connections per user here: wait until sockets closed by earlier tests are gone */
const settled = (userId: string) =>
  expect.poll(() => srv.hub.stats().connections.byUser[userId] ?? 0, { timeout: 5000 }).toBe(0);

beforeAll(async () => {
  srv = await startPushTestServer({
    source,
    tokens,
    limits: { maxConnectionsPerUser: 3 },
    stillValid: (p: Principal) => Promise.resolve(!revoked.has(p.userId)),
    ws: { pingIntervalMs: 100, pongTimeoutMs: 300, badFrames: { max: 10, windowMs: 10_000 } },
  });
});
afterAll(async () => {
  await srv.close();
});

describe('upgrade checks', () => {
  it('401 without credentials or with a wrong token', async () => {
    expect(await WsTestClient.refusedStatus(srv.wsUrl('cluster=prod'), { origin: srv.origin })).toBe(401);
    expect(await WsTestClient.refusedStatus(srv.wsUrl(), { origin: srv.origin, token: 'nope' })).toBe(401);
    await expect(SseTestClient.open(srv.sseUrl('cluster=prod'))).rejects.toMatchObject({ status: 401 });
  });

  it('403 for a foreign Origin, even with valid credentials', async () => {
    expect(
      await WsTestClient.refusedStatus(srv.wsUrl(), { origin: 'https://evil.example', token: 'admin' }),
    ).toBe(403);
  });

  it('403 for a cluster the user may not see, 404 for an unknown one, 400 for a bad query', async () => {
    const o = { origin: srv.origin, token: 'viewer' };
    expect(await WsTestClient.refusedStatus(srv.wsUrl('cluster=secret'), o)).toBe(403);
    expect(await WsTestClient.refusedStatus(srv.wsUrl('cluster=prod&cluster=secret'), o)).toBe(403);
    expect(await WsTestClient.refusedStatus(srv.wsUrl('cluster=ghost'), { ...o, token: 'admin' })).toBe(404);
    expect(await WsTestClient.refusedStatus(srv.wsUrl('cluster=prod&since=x'), o)).toBe(400);
    await expect(SseTestClient.open(srv.sseUrl('cluster=secret'), { token: 'viewer' })).rejects.toMatchObject(
      { status: 403 },
    );
    await expect(SseTestClient.open(srv.sseUrl('cluster=ghost'), { token: 'admin' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('accepts a token in the bearer subprotocol and echoes only the non-secret protocol', async () => {
    const c = await WsTestClient.open(srv.wsUrl('cluster=prod'), {
      origin: srv.origin,
      protocols: ['knm.v1', 'bearer.viewer'],
    });
    expect(c.ws.protocol).toBe('knm.v1');
    expect(await c.waitFor((m) => m.type === 'connected')).toMatchObject({
      data: { user: 'vera', clusters: { prod: { seq: 0 } } },
    });
    c.close();
  });

  it('a subscribe message for a foreign cluster gets an error, not a subscription', async () => {
    const c = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'viewer' });
    c.send({ type: 'subscribe', data: { cluster: 'secret' } });
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ data: { code: 'forbidden' } });
    source.change('secret', 'n');
    c.send({ type: 'ping' });
    await c.waitFor((m) => m.type === 'pong');
    expect(c.messages.some((m) => m.cluster_name === 'secret')).toBe(false);
    c.close();
  });
});

describe('abusive clients', () => {
  it('malformed frames get error messages; a flood closes with 1008', async () => {
    const c = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'admin' });
    c.send('{not json');
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ data: { code: 'bad_json' } });
    c.send({ type: 'subscribe', data: { cluster: 'prod', since: 'yesterday' } });
    expect(
      await c.waitFor((m) => m.type === 'error' && m !== c.messages.find((x) => x.type === 'error')),
    ).toMatchObject({
      data: { code: 'bad_message', message: expect.stringContaining('data.since') },
    });
    c.ws.send(Buffer.from([0, 1, 2]), { binary: true });
    for (let i = 0; i < 20; i++) c.send({ type: 'explode' });
    expect(await c.closedPromise).toEqual({ code: 1008, reason: 'too many invalid messages' });
  });

  it('an oversized frame closes with 1009', async () => {
    const c = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'admin' });
    c.send({ type: 'ping', timestamp: 'x'.repeat(70 * 1024) });
    expect((await c.closedPromise).code).toBe(1009);
  });

  it('invalid UTF-8 closes with 1007; deeply nested JSON is just a bad message', async () => {
    await settled('admin');
    const c = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'admin' });
    c.send('['.repeat(30_000) + ']'.repeat(30_000));
    expect(await c.waitFor((m) => m.type === 'error')).toMatchObject({ data: { code: 'bad_message' } });
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closedPromise).code).toBe(1007);
  });

  it('a malformed upgrade request is answered 400 by the handshake, not a crash', async () => {
    const { port } = new URL(srv.wsUrl());
    const answer = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(port), '127.0.0.1', () => {
        sock.write(
          'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Authorization: Bearer admin\r\nOrigin: ${srv.origin}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      let text = '';
      sock.on('data', (d: Buffer) => (text += d.toString()));
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 400/);
  });

  it('the server survives all of it and still serves new clients', async () => {
    await settled('admin');
    const c = await WsTestClient.open(srv.wsUrl('cluster=prod'), { origin: srv.origin, token: 'admin' });
    const change = source.change('prod', 'still-alive');
    await c.waitFor((m) => m.seq === change.seq);
    c.close();
  });
});

describe('limits and revalidation', () => {
  it('a user over the per-user connection limit is closed with 1013', async () => {
    const open = () => WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'viewer' });
    await settled('v');
    const held = [await open(), await open(), await open()];
    const extra = await open();
    expect(await extra.closedPromise).toEqual({ code: 1013, reason: 'too many connections for this user' });
    await expect(SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 'viewer' })).rejects.toMatchObject({
      status: 503,
    });
    for (const c of held) c.close();
  });

  it('revoked credentials close WebSockets with 4001 and end SSE streams', async () => {
    await settled('admin');
    const ws = await WsTestClient.open(srv.wsUrl('cluster=prod'), { origin: srv.origin, token: 'doomed' });
    const sse = await SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 'doomed' });
    const bystander = await WsTestClient.open(srv.wsUrl('cluster=prod'), {
      origin: srv.origin,
      token: 'admin',
    });
    await sse.waitFor((m) => m.type === 'subscribed');
    revoked.add('d');
    await srv.hub.revalidate();
    expect(await ws.closedPromise).toEqual({ code: 4001, reason: 'credentials expired or revoked' });
    expect(ws.messages.at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
    await sse.done;
    expect(sse.messages.at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
    expect(bystander.closed).toBeUndefined();
    bystander.close();
  });
});

describe('heartbeats and shutdown', () => {
  it('sends JSON and protocol pings; a client that stops answering is terminated', async () => {
    await settled('admin');
    const c = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'admin' });
    let protocolPings = 0;
    c.ws.on('ping', () => protocolPings++);
    // a ping that arrived together with the 101 response was handled before this listener existed
    await expect.poll(() => protocolPings, { timeout: 2000 }).toBeGreaterThan(0);
    await c.waitFor((m) => m.type === 'ping', 2000);
    // stop answering protocol pings (ws auto-pongs) and send nothing: silent client
    (c.ws as unknown as { pong: () => void }).pong = () => undefined;
    const closed = await c.closedPromise;
    expect(closed.code).toBe(1006);
  });

  it('closeAll: WebSockets get shutdown then 1001, SSE streams a final shutdown event', async () => {
    await settled('admin');
    const ws = await WsTestClient.open(srv.wsUrl('cluster=prod'), { origin: srv.origin, token: 'admin' });
    const sse = await SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 'admin' });
    await sse.waitFor((m) => m.type === 'subscribed');
    expect(srv.sseClosers.size).toBe(1);
    srv.hub.closeAll();
    expect(await ws.closedPromise).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(ws.messages.at(-1)?.type).toBe('shutdown');
    await sse.done;
    expect(sse.messages.at(-1)?.type).toBe('shutdown');
    expect(srv.sseClosers.size).toBe(0);
    const late = await WsTestClient.open(srv.wsUrl(), { origin: srv.origin, token: 'admin' });
    expect((await late.closedPromise).code).toBe(1001);
    expect(srv.hub.stats().connections.total).toBe(0);
  });
});
