import { sql } from 'kysely';
import type { Database } from '@/lib/db';
import type { BusLogger, ControlBus } from './control-bus';
import { LocalBus } from './local-bus';
import { PgBus } from './pg-bus';

export type { BusDelivery, BusHandler, BusStats, ControlBus } from './control-bus';

/** The bus that fits the database: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
export async function openControlBus(opts: {
  db: Database;
  databaseUrl?: string;
  instanceId: string;
  logger?: BusLogger;
}): Promise<ControlBus> {
  if (opts.db.dialect !== 'postgres' || !opts.databaseUrl) return new LocalBus(opts.instanceId, opts.logger);
  const bus = new PgBus({
    url: opts.databaseUrl,
    instanceId: opts.instanceId,
    logger: opts.logger,
    notify: async (channel, payload) => {
      await sql`select pg_notify(${channel}, ${payload})`.execute(opts.db.kysely);
    },
  });
  await bus.start();
  return bus;
}
