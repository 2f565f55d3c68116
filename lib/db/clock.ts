import { sql, type RawBuilder } from 'kysely';
import type { Database } from './index';

/**
 * The database server's clock in epoch ms, as an SQL expression. Leases compare against it so that
 * replicas whose clocks disagree still agree on when a lease expired (SQLite: the one process's clock).
 */
export function dbNowMs(db: Pick<Database, 'dialect'>): RawBuilder<number> {
  return db.dialect === 'postgres'
    ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
    : sql<number>`cast((julianday('now') - 2440587.5) * 86400000 as integer)`;
}

/** dbNowMs() plus `ms`. */
export function dbNowPlusMs(db: Pick<Database, 'dialect'>, ms: number): RawBuilder<number> {
  const offset = Math.round(ms);
  return sql<number>`(${dbNowMs(db)} + ${sql.lit(offset)})`;
}

/**
 * Next value of a named counter in the meta table: one atomic upsert on both engines, so concurrent
 * callers (replicas starting together) always get distinct values.
 */
export async function nextCounter(db: Database, key: string): Promise<number> {
  const row = await db.kysely
    .insertInto('meta')
    .values({ key, value: '1' })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ value: sql<string>`cast(cast(meta.value as integer) + 1 as text)` }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
