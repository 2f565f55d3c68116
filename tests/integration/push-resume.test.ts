import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseTestClient, WsTestClient } from '@/lib/push/testing/clients';
import { principal } from '@/lib/push/testing/fake-client';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import { startPushTestServer, type PushTestServer } from '@/lib/push/testing/test-server';

let srv: PushTestServer;
const source = new FakeChangeSource(['prod', 'dev'], 3000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function churn(perTick = 2): () => void {
  let i = 0;
  const timer = setInterval(() => {
    for (let k = 0; k < perTick; k++) source.change('prod', `node-${i++ % 40}`);
  }, 2);
  return () => clearInterval(timer);
}

function expectContiguous(seqs: number[], from: number): void {
  expect(seqs.length).toBeGreaterThan(0);
  seqs.forEach((s, i) => {
    if (s !== from + 1 + i)
      throw new Error(`gap or duplicate at index ${i}: got ${s}, expected ${from + 1 + i}`);
  });
}

beforeAll(async () => {
  // a 4 MiB client buffer lets a replay carry up to 2 MiB (~1,400 changes), ample for a slow reconnect on a busy box
  srv = await startPushTestServer({
    source,
    tokens: { t: principal() },
    limits: { maxBufferedBytes: 4 * 1024 * 1024 },
  });
});
afterAll(async () => {
  await srv.close();
});

describe('resume after reconnect while churn continues', () => {
  it('WebSocket with since: exactly the missed changes, in order, no gaps or duplicates', async () => {
    const stop = churn();
    try {
      let client = await WsTestClient.open(srv.wsUrl('cluster=prod'), { token: 't', origin: srv.origin });
      const start = (await client.waitFor((m) => m.type === 'subscribed')).seq as number;
      const seen: number[] = [];
      for (let round = 0; round < 5; round++) {
        await sleep(30);
        client.close();
        await client.closedPromise;
        seen.push(...client.nodeSeqs('prod'));
        const last = seen.at(-1) ?? start;
        await sleep(20); // changes keep coming while disconnected
        client = await WsTestClient.open(srv.wsUrl(`cluster=prod&since=${last}`), {
          token: 't',
          origin: srv.origin,
        });
        const ack = await client.waitFor((m) => m.type === 'subscribed');
        expect(ack.data).toMatchObject({ replayed: expect.any(Number) });
        expect((ack.data as { replayed: number }).replayed).toBeGreaterThan(0);
      }
      await sleep(30);
      client.close();
      seen.push(...client.nodeSeqs('prod'));
      expectContiguous(seen, start);
      expect(client.messages.some((m) => m.type === 'resync')).toBe(false);
    } finally {
      stop();
    }
  });

  it('SSE with Last-Event-ID: exactly the missed changes, in order, no gaps or duplicates', async () => {
    const stop = churn();
    try {
      let client = await SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 't' });
      const start = (await client.waitFor((m) => m.type === 'subscribed')).seq as number;
      const seen: number[] = [];
      for (let round = 0; round < 5; round++) {
        await sleep(30);
        client.close();
        await client.done;
        seen.push(...client.nodeSeqs('prod'));
        const lastId = client.lastEventId;
        expect(lastId).toMatch(/^prod:\d+$/);
        await sleep(20);
        // the URL's since is stale on purpose: Last-Event-ID wins, as after an EventSource reconnect
        client = await SseTestClient.open(srv.sseUrl(`cluster=prod&since=${start}`), {
          token: 't',
          lastEventId: lastId,
        });
        await client.waitFor((m) => m.type === 'subscribed');
      }
      await sleep(30);
      client.close();
      await client.done;
      seen.push(...client.nodeSeqs('prod'));
      expectContiguous(seen, start);
    } finally {
      stop();
    }
  });

  it('a multi-cluster SSE stream resumes every cluster from its composite Last-Event-ID', async () => {
    let i = 0;
    const timer = setInterval(() => {
      source.change('prod', `p-${i % 7}`);
      source.change('dev', `d-${i++ % 5}`);
    }, 2);
    try {
      let client = await SseTestClient.open(srv.sseUrl('cluster=prod&cluster=dev'), { token: 't' });
      await client.waitFor((m) => m.type === 'subscribed' && m.cluster_name === 'dev');
      const starts = {
        prod: client.messages.find((m) => m.type === 'subscribed' && m.cluster_name === 'prod')!
          .seq as number,
        dev: client.messages.find((m) => m.type === 'subscribed' && m.cluster_name === 'dev')!.seq as number,
      };
      const seen: Record<'prod' | 'dev', number[]> = { prod: [], dev: [] };
      for (let round = 0; round < 3; round++) {
        await sleep(30);
        client.close();
        await client.done;
        seen.prod.push(...client.nodeSeqs('prod'));
        seen.dev.push(...client.nodeSeqs('dev'));
        const lastId = client.lastEventId;
        expect(lastId).toMatch(/^(prod:\d+,dev:\d+|dev:\d+,prod:\d+)$/);
        await sleep(20);
        client = await SseTestClient.open(srv.sseUrl('cluster=prod&cluster=dev'), {
          token: 't',
          lastEventId: lastId,
        });
        await client.waitFor((m) => m.type === 'subscribed' && m.cluster_name === 'dev');
      }
      await sleep(30);
      client.close();
      await client.done;
      seen.prod.push(...client.nodeSeqs('prod'));
      seen.dev.push(...client.nodeSeqs('dev'));
      expectContiguous(seen.prod, starts.prod);
      expectContiguous(seen.dev, starts.dev);
    } finally {
      clearInterval(timer);
    }
  });

  it('a seq older than the history gets resync, then live changes', async () => {
    for (let i = 0; i < 3100; i++) source.change('prod', `bulk-${i}`); // history holds 3000
    const ws = await WsTestClient.open(srv.wsUrl('cluster=prod&since=1'), { token: 't', origin: srv.origin });
    const resync = await ws.waitFor((m) => m.type === 'resync');
    expect(resync).toMatchObject({
      cluster_name: 'prod',
      seq: source.currentSeq('prod'),
      data: { reason: 'too_old' },
    });
    const sse = await SseTestClient.open(srv.sseUrl('cluster=prod'), { token: 't', lastEventId: 'prod:1' });
    expect(await sse.waitFor((m) => m.type === 'resync')).toMatchObject({
      _id: `prod:${source.currentSeq('prod')}`,
    });
    const c = source.change('prod', 'after');
    await ws.waitFor((m) => m.seq === c.seq && m.type === 'node_update');
    await sse.waitFor((m) => m.seq === c.seq && m.type === 'node_update');
    expect(ws.nodeSeqs('prod')).toEqual([c.seq]);
    ws.close();
    sse.close();
  });
});
