import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './helpers/app-server';
import { WsTestClient } from '@/lib/push/testing/clients';
import { client, login, signOut } from './helpers/session';

const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `knm_replicas_${randomBytes(4).toString('hex')}`;

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let sim: Simulator;
let a: AppServer;
let b: AppServer;

beforeAll(async () => {
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  // Replicas share the database and the secrets, nothing else.
  const shared = {
    DATABASE_URL: url.toString(),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DEMO_CLUSTER: 'false',
    // short lookup TTL, so the cross-replica revocation test needs seconds, not the default 40 s
    SESSION_RECHECK_SECONDS: '2',
  };
  sim = await startSimulator({ nodes: 20, podsPerNode: 2, seed: 4 });
  // started together: they race to migrate and to create the first admin
  [a, b] = await Promise.all([startApp(shared), startApp(shared)]);
}, 120_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await sim?.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

const clusterNames = async (api: ReturnType<typeof client>) =>
  ((await api('GET', '/api/readyz')).json as { clusters: Array<{ name: string; state: string }> }).clusters;

describe('two replicas on one PostgreSQL', () => {
  it('share accounts, sessions, cluster changes, nodes and operations (read and cancel through either)', async () => {
    const cookie = await login(a, 'admin', 'admin-password-1');
    const apiA = client(a, cookie);
    // a session made on one replica is valid on the other (browsers reach B with B's origin)
    const apiB = client(b, cookie);
    expect((await apiB('GET', '/api/v1/me')).status).toBe(200);

    expect(
      (await apiA('POST', '/api/v1/clusters', { name: 'shared', kubeconfig: sim.kubeconfig() })).status,
    ).toBe(201);
    await eventually(
      async () => (await clusterNames(apiB)).some((c) => c.name === 'shared' && c.state === 'ready'),
      'replica B to register the cluster added on A',
      30_000,
    );

    const node = sim.store.nodeNames()[0]!;
    const w = await apiB('POST', `/api/v1/clusters/shared/nodes/${node}/labels`, { set: { via: 'b' } });
    expect(w.status, JSON.stringify(w.json)).toBe(200);
    await eventually(async () => {
      const r = await apiA('GET', `/api/v1/clusters/shared/nodes?text=${node}`);
      return r.json.items?.[0]?.labels?.via === 'b';
    }, 'replica A to see the write made through B');

    // an operation run by A can be read through B, and cancelled through B
    const batch = await apiA('POST', '/api/v1/clusters/shared/operations', {
      kind: 'cordon',
      selector: 'kubernetes.io/os=linux',
    });
    expect(batch.status, JSON.stringify(batch.json)).toBe(202);
    const done = await eventually(async () => {
      const r = await apiB('GET', `/api/v1/operations/${batch.json.operation.id}`);
      return r.status === 200 && r.json.operation.state === 'succeeded' && r.json.operation;
    }, 'B to report the batch A ran');
    expect(done.done).toBe(20);

    const drained = sim.store
      .nodeNames()
      .find((n) => sim.store.listPods({ fieldSelector: `spec.nodeName=${n}` }).length > 0)!;
    sim.store.create(
      'poddisruptionbudgets',
      {
        metadata: { name: 'guard' },
        spec: { minAvailable: 1000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
      },
      'apps',
    );
    const drain = await apiA('POST', `/api/v1/clusters/shared/nodes/${drained}/drain`, {
      timeoutSeconds: 120,
    });
    expect(drain.status).toBe(202);
    await eventually(
      async () => (await apiB('GET', `/api/v1/operations/${drain.json.operation.id}`)).status === 200,
      'B to see the drain',
    );
    const cancel = await apiB('POST', `/api/v1/operations/${drain.json.operation.id}/cancel`);
    expect(cancel.status).toBe(202);
    await eventually(
      async () =>
        (await apiA('GET', `/api/v1/operations/${drain.json.operation.id}`)).json.operation.state ===
        'cancelled',
      'A to cancel the drain B asked to cancel',
    );

    expect((await apiB('DELETE', '/api/v1/clusters/shared')).status).toBeLessThan(300);
    await eventually(
      async () => !(await clusterNames(apiA)).some((c) => c.name === 'shared'),
      'replica A to drop the cluster deleted on B',
      30_000,
    );
  }, 90_000);

  it('a sign-out on one replica ends the session on the other: REST refused, its WebSocket closed with 4001', async () => {
    const apiA = client(a, await login(a, 'admin', 'admin-password-1'));
    expect(
      (await apiA('POST', '/api/v1/clusters', { name: 'revoke', kubeconfig: sim.kubeconfig() })).status,
    ).toBe(201);
    await eventually(
      async () => (await clusterNames(apiA)).some((c) => c.name === 'revoke' && c.state === 'ready'),
      'cluster ready',
      30_000,
    );
    const cookie = await login(a, 'admin', 'admin-password-1');
    const onB = client(b, cookie);
    expect((await onB('GET', '/api/v1/me')).status).toBe(200);
    await eventually(
      async () => (await clusterNames(onB)).some((c) => c.name === 'revoke' && c.state === 'ready'),
      'B has the cluster',
      30_000,
    );
    const ws = await WsTestClient.open(`ws://127.0.0.1:${b.port}/api/v1/ws/nodes?cluster=revoke`, {
      origin: b.origin,
      headers: { cookie },
    });
    await ws.waitFor((m) => m.type === 'subscribed', 5000, 'subscribed on B');
    const started = Date.now();
    expect(await signOut(a, cookie)).toBeLessThan(400);
    // at once on the replica that handled it
    expect((await client(a, cookie)('GET', '/api/v1/me')).status).toBe(401);
    // within 2 × SESSION_RECHECK_SECONDS on the other (60 s at most with the defaults)
    await eventually(
      async () => (await onB('GET', '/api/v1/me')).status === 401,
      'B refuses the cookie',
      15_000,
    );
    const closed = await Promise.race([
      ws.closedPromise,
      new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    expect(closed).toMatchObject({ code: 4001 });
    expect(Date.now() - started).toBeLessThan(15_000);
    await apiA('DELETE', '/api/v1/clusters/revoke');
  }, 90_000);
});
