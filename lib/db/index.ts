import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import { metrics, statementKind } from '@/lib/metrics/hooks';
import { guardedDialect } from './guarded-dialect';
import { migrationProvider } from './migrations';
import type { DB } from './schema';

export type { DB } from './schema';
export { DatabaseUnavailableError, isDatabaseUnavailable } from './guarded-dialect';

export interface Database {
  kysely: Kysely<DB>;
  dialect: 'sqlite' | 'postgres';
  /** the driver handle, for libraries with their own store (rate-limiter-flexible) */
  raw: { kind: 'sqlite'; db: BetterSqlite3.Database } | { kind: 'postgres'; pool: pg.Pool };
  /** a cheap round trip (SELECT 1), bounded by `timeoutMs`: true when the database answers */
  ping(timeoutMs?: number): Promise<boolean>;
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
  let raw: Database['raw'];
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) {
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types: pgTypes,
      // During an outage a request must fail fast (503 database_unavailable), not wait forever.
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
    // An idle client error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    kysely = new Kysely<DB>({ dialect: guardedDialect(new PostgresDialect({ pool })), log: observeQuery });
    raw = { kind: 'postgres', pool };
  } else if (opts.url) {
    throw new MigrationError('DATABASE_URL must be a postgres:// URL (leave unset for embedded SQLite)');
  } else {
    dialect = 'sqlite';
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(opts.dataDir, 'knm.sqlite');
    // The file holds password hashes and encrypted kubeconfigs: owner-only from the first byte.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // SQLite creates -wal/-shm with the main file's mode, but an older install may have left wider ones.
    for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) chmodSync(file + extra, 0o600);
    kysely = new Kysely<DB>({
      dialect: guardedDialect(new SqliteDialect({ database: sqlite })),
      log: observeQuery,
    });
    raw = { kind: 'sqlite', db: sqlite };
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
    raw,
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const probe = sql`SELECT 1`.execute(kysely).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([probe, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}
