import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startApp, type AppServer } from './app-server';

const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A statement on the server's maintenance database (create/drop databases, pg_stat_activity). */
export async function pgAdmin<T extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any }>;

/**
 * JSON over fetch with an API token (no cookie, so no Origin is needed). A GET whose pooled
 * keep-alive connection was closed by the server just as it was reused (ECONNRESET) is sent once more.
 */
export function tokenApi(app: AppServer, token: string): Api {
  return async (method, path, body) => {
    const send = () =>
      fetch(`${app.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const res = await send().catch((err: unknown) => {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (method === 'GET' && code === 'ECONNRESET') return send();
      throw err;
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}

/**
 * A fresh database on the shared PostgreSQL server (created here, dropped by close(); the server
 * itself is never touched) and the environment every replica of the test shares.
 */
export async function createReplicaEnv(extra: Record<string, string>): Promise<{
  env: Record<string, string>;
  start(): Promise<AppServer>;
  close(): Promise<void>;
}> {
  const dbName = `knm_replicas_${randomBytes(4).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const env = {
    DATABASE_URL: url.toString(),
    NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...extra,
  };
  // every process started here, so close() stops them even when a test failed half-way
  const started: AppServer[] = [];
  const starting: Array<Promise<unknown>> = [];
  return {
    env,
    async start() {
      const pending = startApp(env);
      starting.push(pending.catch(() => undefined));
      const app = await pending;
      started.push(app);
      // a replica that dies on its own (not stopped, not killed by the test) explains later failures
      app.proc.once('exit', (code, signal) => {
        if (code !== 0 && signal === null)
          console.error(`replica ${app.url} exited with ${code}:\n${app.logs.slice(-80).join('\n')}`);
      });
      return app;
    },
    async close() {
      await Promise.all(starting);
      await Promise.all(started.map((a) => a.stop()));
      await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    },
  };
}
