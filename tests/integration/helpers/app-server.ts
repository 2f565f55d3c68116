import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

export interface AppServer {
  url: string;
  origin: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  logs: string[];
  /** resolves with the exit code */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real app as it ships (`node dist/server.js`, production build) on a free port with its own
 * data dir. The port is free when chosen but may be taken before the app listens (parallel tests, or a
 * sibling replica's demo simulator on a random port): then it starts again on another.
 */
export interface StartOptions {
  /** listen here (a restart on the port the browser knows) rather than on a fresh free port */
  port?: number;
  /** use (and keep on stop) this data dir, so a restarted app keeps its users, sessions and secrets */
  dataDir?: string;
  /** how long the app may take to answer /api/healthz (a large demo cluster takes longer) */
  startTimeoutMs?: number;
}

export async function startApp(
  env: Record<string, string> = {},
  opts: StartOptions = {},
): Promise<AppServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAppOnce(env, opts);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startAppOnce(env: Record<string, string>, opts: StartOptions): Promise<AppServer> {
  if (
    !existsSync(path.join(root, '.next', 'BUILD_ID')) ||
    !existsSync(path.join(root, 'dist', 'server.js'))
  ) {
    throw new Error('no production build: run `npm run build` before the integration tests (npm test does)');
  }
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'knm-app-')));
  const removeDir = () => (ownDir ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve());
  const url = `${env.TLS_CERT_FILE ? 'https' : 'http'}://127.0.0.1:${port}`;
  const logs: string[] = [];
  const proc = spawn(process.execPath, ['dist/server.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      NEXTAUTH_URL: url,
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-password-1',
      DEMO_NODES: '40',
      DEMO_CHURN: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split('\n').filter(Boolean));
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (opts.startTimeoutMs ?? 90_000);
  for (;;) {
    if (proc.exitCode !== null) {
      await removeDir();
      throw new Error(`app exited with ${proc.exitCode}:\n${logs.join('\n')}`);
    }
    if (await healthy(`${url}/api/healthz`)) break;
    if (Date.now() > deadline) throw new Error(`app did not start:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    origin: url,
    port,
    dataDir,
    proc,
    logs,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      await removeDir();
      return code;
    },
  };
}

/** GET answers 200; over HTTPS without checking the certificate (the TLS test checks it itself). */
async function healthy(url: string): Promise<boolean> {
  if (url.startsWith('http:'))
    return fetch(url).then(
      (r) => r.ok,
      () => false,
    );
  return new Promise((resolve) => {
    https
      .get(url, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}

/** Waits until `check` returns a truthy value, polling; throws with `what` on timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
