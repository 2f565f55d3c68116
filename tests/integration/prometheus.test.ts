import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardExpressions, metricNames, readDashboard } from '@/lib/metrics/dashboard';
import { SseTestClient, WsTestClient, type AnyMessage } from '@/lib/push/testing/clients';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, freePort, startApp, type AppServer } from './helpers/app-server';
import { promtool, startPrometheus, type PrometheusServer } from './helpers/prometheus';
import { client, login } from './helpers/session';

// The app scraped by a real Prometheus (1 s interval) on METRICS_PORT and, with METRICS_TOKEN, on
// the main port. A scripted run moves every family of metrics by an amount the script knows; the
// test then reads Prometheus's HTTP API and checks the counters moved by exactly that much.
const ALERTS = path.resolve(import.meta.dirname, '../../deploy/prometheus/alerts.yaml');
const secrets = {
  adminPassword: 'admin-password-1',
  metricsToken: randomBytes(24).toString('base64url'),
  nextAuthSecret: randomBytes(36).toString('base64url'),
  encryptionKey: randomBytes(32).toString('base64'),
  wrongPasswords: ['wrong-password-alpha', 'wrong-password-beta', 'wrong-password-gamma'],
  ghostPassword: 'ghost-password-delta',
  viewerPassword: 'watcher-password-epsilon',
};

let sim: Simulator;
let app: AppServer;
let prom: PrometheusServer;
let metricsPort: number;
let cookie: string;
let api: ReturnType<typeof client>;
let apiToken: string;

beforeAll(async () => {
  sim = await startSimulator({
    nodes: 12,
    podsPerNode: 2,
    seed: 5,
    podGracePeriodSeconds: 0,
    // no lease renewals or heartbeats: every resourceVersion written is a node or pod change
    nodeStatusIntervalMs: 0,
    leaseIntervalMs: 0,
  });
  metricsPort = await freePort();
  app = await startApp({
    DEMO_CLUSTER: 'false',
    LOG_LEVEL: 'debug',
    HEALTH_SAMPLE_SECONDS: '1',
    METRICS_PORT: String(metricsPort),
    METRICS_TOKEN: secrets.metricsToken,
    NEXTAUTH_SECRET: secrets.nextAuthSecret,
    ENCRYPTION_KEY: secrets.encryptionKey,
    ADMIN_PASSWORD: secrets.adminPassword,
  });
  cookie = await login(app, 'admin', secrets.adminPassword);
  api = client(app, cookie);
  expect((await api('POST', '/api/v1/clusters', { name: 'sim', kubeconfig: sim.kubeconfig() })).status).toBe(
    201,
  );
  await eventually(async () => (await api('GET', '/api/readyz')).status === 200, 'cluster sim ready', 30_000);
  apiToken = (await api('POST', '/api/v1/tokens', { name: 'prom-test', scope: 'write' })).json
    .token as string;
  prom = await startPrometheus(
    [
      { name: 'knm', target: `127.0.0.1:${metricsPort}` },
      { name: 'knm-main', target: `127.0.0.1:${app.port}`, bearer: secrets.metricsToken },
    ],
    [ALERTS],
  );
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await app?.stop();
  await sim?.close();
});

const job = '{job="knm", cluster="sim"}';
const KEYS = {
  received: `sum(knm_informer_events_received_total${job})`,
  emitted: `sum(knm_informer_events_emitted_total${job})`,
  dropped: `sum(knm_informer_events_dropped_total${job})`,
  applied: `sum(knm_informer_event_apply_seconds_count${job})`,
  cutRestarts: 'sum(knm_informer_watch_restarts_total{job="knm", cluster="sim", reason="closed_early"})',
  otherRestarts:
    'sum(knm_informer_watch_restarts_total{job="knm", cluster="sim", reason!~"closed_early|timeout"})',
  messages: 'sum(knm_push_messages_sent_total{job="knm"})',
  sseMessages: 'sum(knm_push_messages_sent_total{job="knm", transport="sse"})',
  delivered: `sum(knm_push_delivery_seconds_count${job})`,
  resumes: 'sum(knm_push_resumes_total{job="knm"})',
  resyncs: 'sum(knm_push_resyncs_total{job="knm"})',
  batches: 'sum(knm_operations_total{job="knm", kind="labels", result="succeeded"})',
  batchNodes: 'sum(knm_operation_nodes_total{job="knm", kind="labels", result="succeeded"})',
  loginFailures: 'sum(knm_auth_logins_total{job="knm", method="password", result="failure"})',
  rateLimited: 'sum(knm_auth_rate_limited_total{job="knm", scope="user+ip"})',
  list200:
    'sum(knm_http_request_duration_seconds_count{job="knm", method="GET", route="/api/v1/clusters/[cluster]/nodes", status="200"})',
  list401:
    'sum(knm_http_request_duration_seconds_count{job="knm", route="/api/v1/clusters/[cluster]/nodes", status="401"})',
  unmatched404: 'sum(knm_http_request_duration_seconds_count{job="knm", route="unmatched", status="404"})',
  dbQueries: 'sum(knm_db_query_duration_seconds_count{job="knm"})',
  dbErrors: 'sum(knm_db_errors_total{job="knm"})',
};
type Key = keyof typeof KEYS;

async function readAll(): Promise<Record<Key, number>> {
  const out = {} as Record<Key, number>;
  for (const k of Object.keys(KEYS) as Key[]) out[k] = await prom.sum(KEYS[k]);
  return out;
}

const isPush = (m: AnyMessage) => m.type !== 'ping' && m.type !== 'pong';

async function failedLogin(username: string, password: string): Promise<void> {
  await login(app, username, password).then(
    () => {
      throw new Error('login should have failed');
    },
    () => undefined,
  );
}

describe('metrics scraped by a real Prometheus', () => {
  it('counters and histograms move by exactly what a scripted run caused', async () => {
    const t0 = Date.now();
    await prom.scrapedSince(t0);
    const before = await readAll();
    const rv0 = Number(sim.store.resourceVersion);

    // push clients: two WebSockets (session cookie) and one SSE stream (API token)
    const wsUrl = (q = '') => `ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=sim${q}`;
    const ws = await Promise.all(
      [0, 1].map(() => WsTestClient.open(wsUrl(), { headers: { cookie }, origin: app.origin })),
    );
    const sse = await SseTestClient.open(`${app.url}/api/v1/sse/nodes?cluster=sim`, { token: apiToken });
    const clients = [...ws, sse];
    await Promise.all(clients.map((c) => c.waitFor((m) => m.type === 'subscribed', 10_000, 'subscribed')));
    await prom.scrapedSince(Date.now());
    expect(await prom.sum('knm_push_connections{job="knm", transport="ws"}')).toBe(2);
    expect(await prom.sum('knm_push_connections{job="knm", transport="sse"}')).toBe(1);
    expect(await prom.sum('knm_push_subscriptions{job="knm", cluster="sim"}')).toBe(3);

    // scripted node changes, a watch cut in the middle, then churn
    const names = sim.store.nodeNames();
    for (let i = 0; i < 6; i++) sim.store.setNodeLabels(names[i]!, { 'obs.example.com/step': `a${i}` });
    await eventually(
      () => clients.every((c) => c.messages.filter((m) => m.type === 'node_update').length >= 6),
      'first changes pushed',
    );
    sim.faults.cutWatches();
    await eventually(
      async () => (await prom.sum(KEYS.cutRestarts)) - before.cutRestarts === 2,
      'both watches restarted',
      15_000,
    );
    await eventually(async () => (await api('GET', '/api/readyz')).status === 200, 'ready after the cut');
    sim.store.setNodeLabels(names[6]!, { 'obs.example.com/step': 'after-cut' });
    sim.churn.start({
      tickMs: 100,
      labelsPerSec: 30,
      taintsPerSec: 5,
      cordonsPerSec: 0,
      readyFlapsPerSec: 0,
      nodeAddRemovePerSec: 0,
      podChurnPerSec: 0,
    });
    await new Promise((r) => setTimeout(r, 1500));
    sim.churn.stop();

    // a batch through the API, with a request id that must reach the audit trail and the operation
    const batch = await fetch(`${app.url}/api/v1/clusters/sim/operations`, {
      method: 'POST',
      headers: { cookie, origin: app.origin, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'labels',
        nodes: names.slice(0, 3),
        params: { set: { batch: 'b1' } },
        concurrency: 2,
      }),
    });
    expect(batch.status).toBe(202);
    const requestId = batch.headers.get('x-request-id')!;
    const opId = ((await batch.json()) as { operation: { id: string } }).operation.id;
    const op = await eventually(async () => {
      const r = await api('GET', `/api/v1/operations/${opId}`);
      return r.json.operation.state === 'succeeded' ? r.json.operation : undefined;
    }, 'batch finished');
    expect(op.requestId).toBe(requestId);

    // resume and resync
    const seq = (await api('GET', '/api/v1/clusters/sim/nodes?limit=1')).json.seq as number;
    const resumed = await WsTestClient.open(wsUrl(`&since=${seq - 2}`), {
      headers: { cookie },
      origin: app.origin,
    });
    const resynced = await WsTestClient.open(wsUrl(`&since=${seq + 1000}`), {
      headers: { cookie },
      origin: app.origin,
    });
    await resumed.waitFor((m) => m.type === 'subscribed');
    await resynced.waitFor((m) => m.type === 'subscribed');

    // HTTP and sign-ins: 4 lists (7 with the seq reads and the token read), 2 unauthenticated, 1 unknown path, 3 + 6 failed logins
    for (let i = 0; i < 4; i++)
      expect((await api('GET', '/api/v1/clusters/sim/nodes?limit=5')).status).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await fetch(`${app.url}/api/v1/clusters/sim/nodes`)).status).toBe(401);
    expect((await fetch(`${app.url}/no/such/page`)).status).toBe(404);
    for (const p of secrets.wrongPasswords) await failedLogin('admin', p);
    for (let i = 0; i < 6; i++) await failedLogin('ghost', secrets.ghostPassword);
    const withToken = await fetch(`${app.url}/api/v1/clusters/sim/nodes?limit=1`, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(withToken.status).toBe(200);

    // everything the clients were sent has arrived once the cache seq is reached on every stream
    const finalSeq = (await api('GET', '/api/v1/clusters/sim/nodes?limit=1')).json.seq as number;
    await eventually(
      () => clients.every((c) => c.messages.some((m) => m.seq === finalSeq)),
      'clients caught up',
      10_000,
    );
    const rvDelta = Number(sim.store.resourceVersion) - rv0;
    const frames = [...clients, resumed, resynced].reduce((n, c) => n + c.messages.filter(isPush).length, 0);
    for (const c of [...clients, resumed, resynced]) c.close();

    await prom.scrapedSince(Date.now() + 200);
    const expected: Partial<Record<Key, number>> = {
      cutRestarts: 2,
      otherRestarts: 0,
      messages: frames,
      sseMessages: sse.messages.filter(isPush).length,
      resumes: 1,
      resyncs: 1,
      batches: 1,
      batchNodes: 3,
      // the sixth try for one name from one address is refused by the limiter before any check
      loginFailures: 3 + 5,
      rateLimited: 1,
      list200: 7,
      list401: 2,
      unmatched404: 1,
      dbErrors: 0,
    };
    const after = await eventually(
      async () => {
        const now = await readAll();
        return (Object.keys(expected) as Key[]).every((k) => now[k] - before[k] === expected[k]) &&
          now.received - before.received === rvDelta
          ? now
          : undefined;
      },
      'Prometheus to show the expected deltas',
      15_000,
    ).catch(async (err: unknown) => {
      const now = await readAll();
      const diff = Object.fromEntries((Object.keys(KEYS) as Key[]).map((k) => [k, now[k] - before[k]]));
      throw new Error(
        `${String(err)}: deltas ${JSON.stringify(diff)}, expected ${JSON.stringify(expected)} and received = ${rvDelta}`,
      );
    });
    const d = (k: Key) => after[k] - before[k];
    // every watch event (one per resourceVersion the simulator wrote) was received and applied once,
    // and either emitted as a change or dropped as noise; each emitted change was delivered once
    expect(d('received')).toBe(rvDelta);
    expect(d('applied')).toBe(rvDelta);
    expect(d('emitted') + d('dropped')).toBe(rvDelta);
    expect(d('emitted')).toBeGreaterThanOrEqual(6 + 1 + 3);
    expect(d('delivered')).toBe(d('emitted'));
    expect(d('dbQueries')).toBeGreaterThan(0);
    expect(await prom.sum('knm_push_connections{job="knm"}')).toBe(0);
    expect(await prom.sum('knm_db_up')).toBe(2); // both jobs
    expect(await prom.sum('knm_informer_state{job="knm", cluster="sim", state="ready"}')).toBe(1);

    // the request id of the batch is on its audit row, on the row of each of its nodes, and on its log lines
    const audit = await api('GET', `/api/v1/audit?requestId=${requestId}`);
    expect(audit.json.items.map((i: { action: string }) => i.action).sort()).toEqual([
      'batch.labels',
      'node.labels',
      'node.labels',
      'node.labels',
    ]);
    const lines = app.logs.filter((l) => l.includes(requestId));
    expect(
      lines.some((l) => l.includes('"msg":"request"') && l.includes('/api/v1/clusters/[cluster]/operations')),
    ).toBe(true);
  });

  it('the scrape passes promtool check metrics, and the main port wants METRICS_TOKEN', async () => {
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/api/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    const checked = promtool(['check', 'metrics'], text);
    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
    expect((await fetch(`${app.url}/api/metrics`)).status).toBe(401);
    expect(
      (
        await fetch(`${app.url}/api/metrics`, {
          headers: { authorization: 'Bearer wrong-token-wrong-token' },
        })
      ).status,
    ).toBe(401);
    expect(await prom.sum('up{job="knm-main"}')).toBe(1);
  });

  it('loads the alert rules (promtool check rules, and healthy in Prometheus) with nothing firing', async () => {
    const checked = promtool(['check', 'rules', ALERTS]);
    expect(checked.code, checked.output).toBe(0);
    const tested = promtool(['test', 'rules', path.join(path.dirname(ALERTS), 'alerts.test.yaml')]);
    expect(tested.code, tested.output).toBe(0);
    const rules = await prom.api<{
      groups: Array<{ rules: Array<{ name: string; health: string; state: string }> }>;
    }>('/api/v1/rules');
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.name).sort()).toEqual([
      'KnmDatabaseUnavailable',
      'KnmInformerNotSynced',
      'KnmPushLatencyHigh',
      'KnmSlowConsumerClosesRising',
      'KnmWatchRestartStorm',
    ]);
    await eventually(async () => {
      const now = await prom.api<typeof rules>('/api/v1/rules');
      return now.groups.flatMap((g) => g.rules).every((r) => r.health === 'ok');
    }, 'rules evaluated');
    expect(all.filter((r) => r.state === 'firing')).toEqual([]);
  });

  it('every Grafana query evaluates in Prometheus and every metric it names has series', async () => {
    const names = new Set(await prom.api<string[]>('/api/v1/label/__name__/values'));
    const exprs = dashboardExpressions(readDashboard());
    const missing = [...new Set(exprs.flatMap(metricNames))].filter((n) => !names.has(n));
    expect(missing).toEqual([]);
    for (const expr of exprs) {
      const q = expr.replaceAll('$__rate_interval', '30s').replaceAll('$cluster', 'sim');
      await expect(prom.query(q), q).resolves.toBeInstanceOf(Array);
    }
  });

  it("the health page's history is for admins and shows the numbers Prometheus scraped", async () => {
    const created = await api('POST', '/api/v1/users', {
      username: 'watcher',
      password: secrets.viewerPassword,
      role: 'viewer',
      clusters: ['sim'],
    });
    expect(created.status).toBe(201);
    const viewer = client(app, await login(app, 'watcher', secrets.viewerPassword));
    expect((await viewer('GET', '/api/v1/health/history')).status).toBe(403);
    const history = await eventually(async () => {
      const r = await api('GET', '/api/v1/health/history');
      return r.status === 200 && r.json.samples.length >= 2 ? r.json : undefined;
    }, 'health samples');
    expect(history.intervalSeconds).toBe(1);
    const last = history.samples.at(-1).clusters.sim;
    expect(last).toMatchObject({ state: 'ready', nodes: await prom.sum('knm_cache_nodes{job="knm"}') });
    const busiest = Math.max(
      ...history.samples.map(
        (s: { clusters: { sim?: { eventsPerSecond: number } } }) => s.clusters.sim?.eventsPerSecond ?? 0,
      ),
    );
    expect(busiest).toBeGreaterThan(0); // the churn of the first test
  });

  it('no secret ever reached the logs of the run', () => {
    const kubeconfig = sim.kubeconfig();
    const kubeSecrets = [...kubeconfig.matchAll(/(?:token|client-key-data|password):\s*"?([^\s"]+)/g)].map(
      (m) => m[1]!,
    );
    expect(kubeSecrets.length).toBeGreaterThan(0);
    const session = /session-token=([^;]+)/.exec(cookie)![1]!;
    const needles = [
      secrets.adminPassword,
      ...secrets.wrongPasswords,
      secrets.ghostPassword,
      secrets.viewerPassword,
      secrets.metricsToken,
      secrets.nextAuthSecret,
      secrets.encryptionKey,
      apiToken,
      session,
      ...kubeSecrets,
    ];
    const text = app.logs.join('\n');
    expect(app.logs.length).toBeGreaterThan(50);
    expect(needles.filter((n) => text.includes(n))).toEqual([]);
  });
});
