import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  Kysely,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/** What a route answers while the database cannot be reached: 503 with Retry-After (toApiError maps it by shape). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly httpStatus = 503;
  readonly code = 'database_unavailable';
  readonly retryAfterSeconds = 5;
  constructor(cause?: unknown) {
    super('The database is unavailable; try again shortly', { cause });
  }
}

// Connection-level failures (node's socket errors, PostgreSQL's class 08 connection exceptions and
// 57P shutdown states, SQLite's I/O errors), as opposed to errors the query itself caused.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|Cannot use a pool after calling end/i;

/** True when `err` says the database could not be reached, not that a query was wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    if ((e as { code?: unknown }).code === 'database_unavailable') return true;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code)))
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function guard(err: unknown): never {
  throw isDatabaseUnavailable(err) && !(err instanceof DatabaseUnavailableError)
    ? new DatabaseUnavailableError(err)
    : err;
}

/**
 * Wraps a dialect so that every failure to reach the database surfaces as one typed error
 * (DatabaseUnavailableError) wherever the query was made; callers and apiRoute need no driver knowledge.
 */
export function guardedDialect(inner: Dialect): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => inner.createIntrospector(db),
    createDriver: () => guardedDriver(inner.createDriver()),
  };
}

function guardedDriver(d: Driver): Driver {
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (c: DatabaseConnection) => innerOf.get(c) ?? c;
  return {
    init: () => d.init().catch(guard),
    async acquireConnection() {
      const conn = await d.acquireConnection().catch(guard);
      const wrapped: DatabaseConnection = {
        executeQuery: <R>(q: CompiledQuery): Promise<QueryResult<R>> => conn.executeQuery<R>(q).catch(guard),
        streamQuery: <R>(q: CompiledQuery, chunkSize?: number) => conn.streamQuery<R>(q, chunkSize),
      };
      innerOf.set(wrapped, conn);
      return wrapped;
    },
    beginTransaction: (c: DatabaseConnection, s: TransactionSettings) =>
      d.beginTransaction(unwrap(c), s).catch(guard),
    commitTransaction: (c: DatabaseConnection) => d.commitTransaction(unwrap(c)).catch(guard),
    rollbackTransaction: (c: DatabaseConnection) => d.rollbackTransaction(unwrap(c)).catch(guard),
    releaseConnection: (c: DatabaseConnection) => d.releaseConnection(unwrap(c)),
    destroy: () => d.destroy(),
  };
}
