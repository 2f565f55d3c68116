import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseTestClient, WsTestClient, type AnyMessage } from '@/lib/push/testing/clients';
import { eventually } from './helpers/app-server';
import { NodeHistory, expectExactly, nodeMessages } from './helpers/node-history';
import { client, login } from './helpers/session';
import { startSimApp, type SimApp } from './helpers/sim-app';

/**
 * Push guarantees through the real app (server.ts, production build, its own process): the
 * simulator churns, clients are cut and come back, and what they received is compared with what the
 * simulator did. The fast protocol-level versions of these tests (push-resume, push-security) run
 * on a fake change source; these prove the production wiring keeps the same promises.
 */
const HISTORY = 300; // WS_RESUME_HISTORY: changes kept per cluster for resume
let t: SimApp;
let token: string;
let tokenId: string;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A close that must come within a few revalidation rounds (SESSION_RECHECK_SECONDS=1). */
async function closedSoon(c: WsTestClient): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('socket still open 10 s after the revocation')), 10_000);
  });
  try {
    return await Promise.race([c.closedPromise, late]);
  } finally {
    clearTimeout(timer);
  }
}
const CHURN = {
  labelsPerSec: 20,
  taintsPerSec: 6,
  cordonsPerSec: 6,
  readyFlapsPerSec: 6,
  nodeAddRemovePerSec: 3,
};

beforeAll(async () => {
  t = await startSimApp({
    nodes: 30,
    env: { WS_RESUME_HISTORY: String(HISTORY), SESSION_RECHECK_SECONDS: '1' },
  });
  const created = await t.api('POST', '/api/v1/tokens', { name: 'push-app', scope: 'read' });
  expect(created.status).toBe(201);
  ({ token, id: tokenId } = created.json as { token: string; id: string });
}, 120_000);
afterAll(() => t?.close());

const wsUrl = (query: string) => `ws://127.0.0.1:${t.app.port}/api/v1/ws/nodes?${query}`;
const sseUrl = (query: string) => `${t.app.url}/api/v1/sse/nodes?${query}`;
const openWs = (query: string, auth: { token?: string; cookie?: string } = { token }) =>
  WsTestClient.open(wsUrl(query), {
    origin: t.app.origin,
    token: auth.token,
    headers: auth.cookie ? { cookie: auth.cookie } : {},
  });

interface Connection {
  messages: AnyMessage[];
  waitFor(pred: (m: AnyMessage) => boolean): Promise<AnyMessage>;
  /** cuts the connection and resolves once it is gone */
  cut(): Promise<void>;
}

/**
 * While the simulator churns, a client is cut five times and reconnected by `reconnect` (given what
 * it has received so far). Returns everything it received, the seq it started from, the changes the
 * simulator made meanwhile and how many the server replayed.
 */
async function cutFiveTimes(
  connect: () => Promise<Connection>,
  reconnect: (got: AnyMessage[], start: number, previous: Connection) => Promise<Connection>,
) {
  const history = new NodeHistory(t.sim);
  let c = await connect();
  const start = (await c.waitFor((m) => m.type === 'subscribed')).seq as number;
  const got: AnyMessage[] = [];
  let replayed = 0;
  t.sim.churn.start(CHURN);
  try {
    for (let round = 0; round < 5; round++) {
      await sleep(250);
      await c.cut();
      got.push(...nodeMessages(c.messages));
      await sleep(150); // the simulator keeps changing nodes while this client is away
      c = await reconnect(got, start, c);
      replayed += ((await c.waitFor((m) => m.type === 'subscribed')).data as { replayed: number }).replayed;
    }
  } finally {
    t.sim.churn.stop();
  }
  const last = c;
  await eventually(
    () => nodeMessages([...got, ...last.messages]).length >= history.changes.length,
    `${history.changes.length} changes delivered`,
    15_000,
  );
  await last.cut();
  got.push(...nodeMessages(last.messages));
  history.close();
  return { got, start, replayed, expected: history.changes, last };
}

const ws = async (query: string): Promise<Connection> => {
  const c = await openWs(query);
  return Object.assign(c, {
    cut: async () => {
      c.close();
      await c.closedPromise;
    },
  });
};
const sse = async (query: string, lastEventId?: string): Promise<Connection & { lastEventId: string }> => {
  const c = await SseTestClient.open(sseUrl(query), { token, lastEventId });
  return Object.assign(c, {
    cut: async () => {
      c.close();
      await c.done;
    },
  });
};

describe('resume through the real app while the simulator churns', () => {
  it('WebSocket: cut five times, resumed with since: exactly the changes the simulator made', async () => {
    const r = await cutFiveTimes(
      () => ws('cluster=sim'),
      (got, start) => ws(`cluster=sim&since=${got.at(-1)?.seq ?? start}`),
    );
    expect(r.replayed).toBeGreaterThan(0);
    expect(r.last.messages.some((m) => m.type === 'resync')).toBe(false);
    expectExactly(r.got, r.expected, r.start);
  });

  it('SSE: cut five times, resumed with Last-Event-ID (over a stale since): exactly the same', async () => {
    const r = await cutFiveTimes(
      () => sse('cluster=sim'),
      (_got, start, previous) => {
        const { lastEventId } = previous as Connection & { lastEventId: string };
        expect(lastEventId).toMatch(/^sim:\d+$/);
        // as an EventSource reconnects: the original URL, the last id in the header
        return sse(`cluster=sim&since=${start}`, lastEventId);
      },
    );
    expect(r.replayed).toBeGreaterThan(0);
    expectExactly(r.got, r.expected, r.start);
  });

  it('a client further behind than the history gets resync (WebSocket and SSE), one within it a replay', async () => {
    const live = await openWs('cluster=sim');
    const stale = (await live.waitFor((m) => m.type === 'subscribed')).seq as number;
    const names = t.sim.store.nodeNames();
    for (let i = 0; i < HISTORY + 50; i++)
      t.sim.store.setNodeLabels(names[i % names.length]!, { bulk: `${i}` });
    await eventually(() => nodeMessages(live.messages).length >= HISTORY + 50, 'bulk changes emitted');
    const current = live.messages.at(-1)!.seq as number;
    live.close();

    const ws = await openWs(`cluster=sim&since=${stale}`);
    expect(await ws.waitFor((m) => m.type === 'resync')).toMatchObject({
      cluster_name: 'sim',
      seq: current,
      data: { reason: 'too_old' },
    });
    const sse = await SseTestClient.open(sseUrl('cluster=sim'), { token, lastEventId: `sim:${stale}` });
    expect(await sse.waitFor((m) => m.type === 'resync')).toMatchObject({
      seq: current,
      _id: `sim:${current}`,
      data: { reason: 'too_old' },
    });
    // the control: 10 changes back is inside the history and replays
    const near = await openWs(`cluster=sim&since=${current - 10}`);
    expect(await near.waitFor((m) => m.type === 'subscribed')).toMatchObject({ data: { replayed: 10 } });
    expect(nodeMessages(near.messages).map((m) => m.seq)).toEqual(
      Array.from({ length: 10 }, (_, i) => current - 9 + i),
    );
    // after a resync the stream goes on live from the new resume point
    t.sim.store.setNodeLabels(names[0]!, { after: 'resync' });
    for (const c of [ws, sse, near])
      expect(await c.waitFor((m) => m.type === 'node_update' && m.seq! > current)).toMatchObject({
        seq: current + 1,
        node_name: names[0],
        data: { labels: { after: 'resync' } },
      });
    expect(nodeMessages(ws.messages)).toHaveLength(1);
    for (const c of [ws, sse, near]) c.close();
  });
});

describe('revocation through the real app', () => {
  it('deleting an API token closes its WebSocket with 4001 and ends its SSE stream; others stay', async () => {
    const ws = await openWs('cluster=sim');
    const sse = await SseTestClient.open(sseUrl('cluster=sim'), { token });
    const bystander = await openWs('cluster=sim', { cookie: t.cookie });
    await Promise.all([ws, sse, bystander].map((c) => c.waitFor((m) => m.type === 'subscribed')));
    expect((await t.api('DELETE', `/api/v1/tokens/${tokenId}`)).status).toBeLessThan(300);
    expect(await closedSoon(ws)).toEqual({ code: 4001, reason: 'credentials expired or revoked' });
    expect(ws.messages.at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
    await sse.done;
    expect(sse.messages.at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
    // the same token is refused from now on
    expect(await WsTestClient.refusedStatus(wsUrl('cluster=sim'), { origin: t.app.origin, token })).toBe(401);
    await sleep(1500); // more than one revalidation round
    expect(bystander.closed).toBeUndefined();
    bystander.close();
  });

  it("disabling a user closes that user's signed-in WebSocket with 4001", async () => {
    const created = await t.api('POST', '/api/v1/users', {
      username: 'olga',
      password: 'olga-password-1',
      role: 'viewer',
      clusters: ['sim'],
    });
    expect(created.status).toBe(201);
    const cookie = await login(t.app, 'olga', 'olga-password-1');
    expect((await client(t.app, cookie)('GET', '/api/v1/me')).status).toBe(200);
    const ws = await openWs('cluster=sim', { cookie });
    await ws.waitFor((m) => m.type === 'subscribed');
    const disabled = await t.api('PATCH', `/api/v1/users/${created.json.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(await closedSoon(ws)).toEqual({ code: 4001, reason: 'credentials expired or revoked' });
    expect(ws.messages.at(-1)).toMatchObject({ type: 'error', data: { code: 'unauthorized' } });
  });
});
