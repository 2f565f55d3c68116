import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { AuthRequestLike, Principal } from '@/lib/auth/types';
import type { ChangeSource } from '@/lib/realtime/types';
import { PushHub } from '../hub';
import { sseResponse } from '../sse-response';
import type { HubLimits } from '../types';
import { createWsEndpoint, type WsEndpoint, type WsEndpointOptions } from '../ws-server';

export interface PushTestServer {
  server: Server;
  hub: PushHub;
  ws: WsEndpoint;
  origin: string;
  wsUrl: (query?: string) => string;
  sseUrl: (query?: string) => string;
  /** live SSE closers, as getAppContext().sseClosers holds them in the app */
  sseClosers: Set<() => void>;
  close(): Promise<void>;
}

/** Bearer token (or `session` cookie) → principal, standing in for the real Authenticator. */
export function tokenAuthenticator(tokens: Record<string, Principal>) {
  return (req: AuthRequestLike): Promise<Principal | null> => {
    const auth = req.headers.get('authorization');
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const cookie = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.get('cookie') ?? '')?.[1];
    const token = bearer ?? cookie;
    return Promise.resolve(token ? (tokens[token] ?? null) : null);
  };
}

function nodeAuthRequest(req: IncomingMessage): AuthRequestLike {
  return {
    url: new URL(req.url ?? '/', 'http://localhost').toString(),
    headers: {
      get: (name) => {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
  };
}

function writeResponse(res: ServerResponse, response: Response): void {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) return void res.end();
  Readable.fromWeb(response.body as unknown as NodeReadableStream<Uint8Array>)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * A plain node:http server wiring the push channels the way server.ts and the SSE route do:
 * upgrades on /ws go to the ws endpoint, GET /sse serves sseResponse. For integration tests and benchmarks.
 */
export async function startPushTestServer(opts: {
  source: ChangeSource;
  tokens: Record<string, Principal>;
  limits?: Partial<HubLimits>;
  stillValid?: (p: Principal) => Promise<boolean>;
  ws?: Partial<WsEndpointOptions>;
  sseHeartbeatMs?: number;
  port?: number;
}): Promise<PushTestServer> {
  const authenticate = tokenAuthenticator(opts.tokens);
  const hub = new PushHub({ source: opts.source, limits: opts.limits, stillValid: opts.stillValid });
  const sseClosers = new Set<() => void>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/sse') return writeResponse(res, new Response('not found', { status: 404 }));
      const principal = await authenticate(nodeAuthRequest(req));
      if (!principal)
        return writeResponse(res, Response.json({ error: { code: 'unauthorized' } }, { status: 401 }));
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      const lastEventId = req.headers['last-event-id'];
      writeResponse(
        res,
        await sseResponse({
          hub,
          principal,
          url,
          lastEventId: typeof lastEventId === 'string' ? lastEventId : null,
          signal: abort.signal,
          heartbeatMs: opts.sseHeartbeatMs,
          registerCloser: (fn) => {
            sseClosers.add(fn);
            return () => sseClosers.delete(fn);
          },
        }),
      );
    })().catch(() => res.destroy());
  });
  const origin = 'http://app.test';
  const ws = createWsEndpoint({ hub, authenticate, allowedOrigins: [origin], ...opts.ws });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => ws.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    hub,
    ws,
    origin,
    sseClosers,
    wsUrl: (q = '') => `ws://127.0.0.1:${port}/ws${q ? `?${q}` : ''}`,
    sseUrl: (q = '') => `http://127.0.0.1:${port}/sse${q ? `?${q}` : ''}`,
    async close() {
      await ws.close();
      for (const close of [...sseClosers]) close();
      hub.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
