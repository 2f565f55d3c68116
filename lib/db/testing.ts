import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from './index';

/** Test support: the same suites run on both engines. Not imported by app code. */
export type Engine = 'sqlite' | 'postgres';
export const ENGINES: Engine[] = ['sqlite', 'postgres'];

const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  /** postgres:// URL of the test database (undefined for SQLite) */
  url?: string;
  /** reopen the same database (migrations must be idempotent) */
  reopen(): Promise<Database>;
  cleanup(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function openTestDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'knm-db-'));
  let url: string | undefined;
  let dbName: string | undefined;
  if (engine === 'postgres') {
    dbName = `knm_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${dbName}`;
    url = u.toString();
  }
  const opened: Database[] = [];
  const open = async () => {
    const db = await openDatabase({ url, dataDir, poolSize: 4 });
    opened.push(db);
    return db;
  };
  const db = await open();
  return {
    db,
    url,
    reopen: open,
    async cleanup() {
      for (const d of opened) await d.close();
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers placeholder clusters (grants may only name existing clusters). */
export async function seedClusters(db: Database, names: string[]): Promise<void> {
  const now = Date.now();
  for (const name of names) {
    await db.kysely
      .insertInto('clusters')
      .values({
        name,
        display_name: name,
        kind: 'demo',
        context: null,
        server: null,
        kubeconfig_enc: null,
        created_by: null,
        created_at: now,
        identity_mode: 'shared',
        updated_at: now,
      })
      .execute();
  }
}
