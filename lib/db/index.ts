import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { metrics, statementKind } from '@/lib/metrics/hooks';
import { migrationProvider } from './migrations';
import type { DB } from './schema';

export type { DB } from './schema';

export interface Database {
  kysely: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const INT8_OID = 20;

/** pg returns int8 as strings by default; every bigint here is an epoch-ms or id that fits in a double. */
const pgTypes = {
  getTypeParser: ((oid: number, format: 'text') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : (pg.types.getTypeParser(oid, format) as (v: string) => unknown)) as typeof pg.types.getTypeParser,
};

/** Kysely's per-query log callback, feeding the query duration and error metrics. */
const observeQuery = (e: LogEvent) =>
  metrics().dbQuery(statementKind(e.query.query.kind), e.queryDurationMillis / 1000, e.level === 'error');

/**
 * Opens SQLite (`<dataDir>/knm.sqlite`, WAL) when `url` is unset, PostgreSQL for postgres:// URLs,
 * then applies pending migrations. Idempotent: reopening an up-to-date database is a no-op.
 */
export async function openDatabase(opts: {
  url?: string;
  dataDir: string;
  poolSize?: number;
}): Promise<Database> {
  let kysely: Kysely<DB>;
  let dialect: Database['dialect'];
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) {
    dialect = 'postgres';
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, types: pgTypes });
    // An idle client error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: observeQuery });
  } else if (opts.url) {
    throw new MigrationError('DATABASE_URL must be a postgres:// URL (leave unset for embedded SQLite)');
  } else {
    dialect = 'sqlite';
    mkdirSync(opts.dataDir, { recursive: true });
    const file = path.join(opts.dataDir, 'knm.sqlite');
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }), log: observeQuery });
  }

  const migrator = new Migrator({ db: kysely, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await kysely.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(
      `database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
    );
  }

  let closed = false;
  return {
    kysely,
    dialect,
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}
