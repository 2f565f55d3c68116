import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusMessage } from '@/lib/bus/control-bus';
import { PgBus } from '@/lib/bus/pg-bus';
import { openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { eventually } from './helpers/app-server';

let t: TestDatabase;
let url: string;
const buses: PgBus[] = [];

function bus(instanceId: string, healthCheckMs?: number): PgBus {
  const b = new PgBus({
    url,
    instanceId,
    healthCheckMs,
    notify: async (channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(t.db.kysely);
    },
  });
  buses.push(b);
  return b;
}

async function adminQuery<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

const cancel = (id: string): BusMessage => ({ type: 'operation.cancel', id });

beforeAll(async () => {
  t = await openTestDatabase('postgres');
  // the test database's URL: the pool's connection string is not exposed, so ask the server
  const [row] = await sql<{ db: string }>`select current_database() as db`
    .execute(t.db.kysely)
    .then((r) => r.rows);
  const u = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  u.pathname = `/${row!.db}`;
  url = u.toString();
});

afterAll(async () => {
  for (const b of buses) await b.close();
  await t?.cleanup();
});

describe('PgBus (LISTEN/NOTIFY)', () => {
  it('delivers to every replica in send order, to the sender at once, never twice', async () => {
    const a = bus('replica-a');
    const b = bus('replica-b');
    await Promise.all([a.start(), b.start()]);
    const atA: string[] = [];
    const atB: Array<{ id: string; local: boolean; from: string }> = [];
    a.subscribe((m) => void (m.type === 'operation.cancel' && atA.push(m.id)));
    b.subscribe((m, d) => void (m.type === 'operation.cancel' && atB.push({ id: m.id, ...d })));
    const sends = Array.from({ length: 200 }, (_, i) => a.publish(cancel(`op${i}`)));
    expect(atA).toHaveLength(200); // local delivery is synchronous
    await Promise.all(sends);
    await eventually(() => atB.length === 200, 'B to receive all 200');
    expect(atB.map((m) => m.id)).toEqual(atA);
    expect(atB.every((m) => !m.local && m.from === 'replica-a')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(atA).toHaveLength(200); // its own notifications are not delivered again
    expect(b.stats()).toMatchObject({ kind: 'postgres', connected: true, received: 200, invalid: 0 });
  });

  it('drops malformed payloads and refuses oversized messages without sending them', async () => {
    const a = bus('replica-c');
    const b = bus('replica-d');
    await Promise.all([a.start(), b.start()]);
    const seen: string[] = [];
    b.subscribe((m) => void seen.push(m.type));
    await adminQuery("select pg_notify('knm_bus', 'garbage'), pg_notify('knm_bus', '{\"v\":1}')");
    await a.publish({
      type: 'push.message',
      message: { type: 'test', cluster_name: 'c', timestamp: 't', data: { message: 'x'.repeat(8000) } },
    });
    await a.publish(cancel('after'));
    await eventually(() => seen.includes('operation.cancel'), 'the valid message');
    expect(seen).toEqual(['operation.cancel']);
    expect(b.stats().invalid).toBeGreaterThanOrEqual(2);
    expect(a.stats().publishFailures).toBe(1);
  });

  it('a listener killed with pg_terminate_backend reconnects, resyncs, and receives again', async () => {
    const a = bus('replica-e');
    const b = bus('replica-f');
    await Promise.all([a.start(), b.start()]);
    let resyncs = 0;
    b.onResync(() => resyncs++);
    const seen: string[] = [];
    b.subscribe((m) => void (m.type === 'operation.cancel' && seen.push(m.id)));
    const [killed] = await adminQuery<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1',
      ['knm-bus:replica-f'],
    );
    expect(killed?.ok).toBe(true);
    // sent while B's listener is down or reconnecting: may be missed, which is what onResync is for
    await a.publish(cancel('during'));
    await eventually(() => resyncs === 1, 'B to reconnect and fire onResync', 10_000);
    expect(b.stats()).toMatchObject({ connected: true, reconnects: 1 });
    await a.publish(cancel('after'));
    await eventually(() => seen.includes('after'), 'delivery after the reconnect');
  });

  it('finds a silent (half-open) listener with its health check and replaces it', async () => {
    const b = new PgBus({
      url,
      instanceId: 'replica-g',
      healthCheckMs: 200,
      healthTimeoutMs: 300,
      notify: () => Promise.resolve(),
    });
    buses.push(b);
    await b.start();
    let resyncs = 0;
    b.onResync(() => resyncs++);
    // the socket stops delivering anything, like a peer that vanished without a FIN
    const listener = (b as unknown as { client: { connection: { stream: { pause(): void } } } }).client;
    listener.connection.stream.pause();
    await eventually(() => resyncs >= 1, 'the health check to replace the listener', 10_000);
    expect(b.stats().lastError).toMatch(/health check timed out/);
  });
});
