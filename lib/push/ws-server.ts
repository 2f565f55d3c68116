import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { AuthRequestLike, Principal } from '@/lib/auth/types';
import { RateWindow, parseClientFrame } from './client-messages';
import type { PushHub } from './hub';
import { parseSubscriptionQuery } from './subscription-query';
import { CloseCode, type PushClient, type SubscriptionRequest } from './types';
import { offeredProtocols, originAllowed, selectProtocol, upgradeAuthRequest } from './upgrade-auth';
import { FrameBatcher, wireFrame, type BatchTarget } from './ws-batch';

export interface WsEndpointOptions {
  hub: PushHub;
  authenticate: (req: AuthRequestLike) => Promise<Principal | null>;
  allowedOrigins: readonly string[];
  logger?: Pick<Logger, 'warn' | 'debug' | 'error'>;
  /** bigger client frames close the socket with 1009 */
  maxPayload?: number;
  /** JSON `ping` + protocol ping interval */
  pingIntervalMs?: number;
  /** a socket silent (no pong, no message) this long is terminated */
  pongTimeoutMs?: number;
  /** after close(code) a socket that does not finish the closing handshake is terminated */
  closeGraceMs?: number;
  /** `max` invalid frames within `windowMs` → 1008 */
  badFrames?: { max: number; windowMs: number };
  /** `max` frames of any kind within `windowMs` → 1008 */
  messageRate?: { max: number; windowMs: number };
  /** clients without an Origin header are non-browser clients; allowed unless set false */
  allowMissingOrigin?: boolean;
  now?: () => number;
}

export interface WsEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** closes every WebSocket (1001 via hub.closeAll, which also ends SSE streams) and stops timers */
  close(): Promise<void>;
  connectionCount(): number;
}

interface Conn extends BatchTarget {
  id: string;
  ws: WebSocket;
  lastSeen: number;
  badFrames: RateWindow;
  messages: RateWindow;
  killTimer?: NodeJS.Timeout;
}

/** Writes a plain HTTP error on a not-yet-upgraded socket, then destroys it. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('finish', () => socket.destroy());
  if (socket.writable) socket.end(head + body);
  else socket.destroy();
}

/**
 * WebSocket adapter for the push hub (`ws` in noServer mode): checks Origin, authentication and
 * cluster access before completing the upgrade, then relays client messages to the hub and keeps
 * connections alive with JSON + protocol pings. Everything a client sends is validated; nothing
 * it sends can throw out of here.
 */
export function createWsEndpoint(opts: WsEndpointOptions): WsEndpoint {
  const { hub, logger } = opts;
  const now = opts.now ?? Date.now;
  const pingIntervalMs = opts.pingIntervalMs ?? 30_000;
  const pongTimeoutMs = opts.pongTimeoutMs ?? 60_000;
  const closeGraceMs = opts.closeGraceMs ?? 2_000;
  const badFrames = opts.badFrames ?? { max: 10, windowMs: 10_000 };
  const messageRate = opts.messageRate ?? { max: 200, windowMs: 10_000 };
  const conns = new Set<Conn>();
  let closed = false;
  const batcher = new FrameBatcher();

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => selectProtocol(protocols),
  });

  const heartbeat = setInterval(() => {
    const t = now();
    const ping = JSON.stringify({ type: 'ping', timestamp: new Date(t).toISOString() });
    for (const conn of conns) {
      if (conn.ws.readyState !== WebSocket.OPEN) continue;
      if (t - conn.lastSeen > pongTimeoutMs) {
        logger?.debug({ clientId: conn.id }, 'websocket heartbeat timeout');
        conn.ws.terminate();
        continue;
      }
      conn.ws.ping();
      conn.socket.write(wireFrame(ping));
    }
  }, pingIntervalMs);
  heartbeat.unref();

  function closeSocket(conn: Conn, code: number, reason: string): void {
    if (conn.ws.readyState === WebSocket.CLOSED) return;
    // queued frames (a final shutdown or error message) go before the close frame; a slow consumer's are dropped
    batcher.flushOne(conn, code === CloseCode.slowConsumer);
    conn.ws.close(code, reason);
    if (!conn.killTimer) {
      conn.killTimer = setTimeout(() => conn.ws.terminate(), closeGraceMs);
      conn.killTimer.unref();
    }
  }

  function onMessage(conn: Conn, data: WebSocket.RawData, isBinary: boolean): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return; // closing: ignore whatever is still in flight
    conn.lastSeen = now();
    if (conn.messages.hit()) {
      hub.sendError(conn.id, 'rate_limited', 'too many messages');
      closeSocket(conn, CloseCode.policyViolation, 'too many messages');
      return;
    }
    const parsed = parseClientFrame(data, isBinary);
    if (!parsed.ok) {
      hub.sendError(conn.id, parsed.code, parsed.message);
      if (conn.badFrames.hit()) closeSocket(conn, CloseCode.policyViolation, 'too many invalid messages');
      return;
    }
    hub.handleClientMessage(conn.id, parsed.message);
  }

  function onConnection(
    ws: WebSocket,
    socket: Duplex,
    principal: Principal,
    subscriptions: SubscriptionRequest[],
  ): void {
    const conn: Conn = {
      id: randomUUID(),
      ws,
      socket,
      pending: null,
      pendingBytes: 0,
      writable: () => ws.readyState === WebSocket.OPEN,
      lastSeen: now(),
      badFrames: new RateWindow(badFrames.max, badFrames.windowMs, now),
      messages: new RateWindow(messageRate.max, messageRate.windowMs, now),
    };
    conns.add(conn);
    const client: PushClient = {
      id: conn.id,
      principal,
      transport: 'ws',
      send: (frame) => {
        // whole frames written straight to the socket interleave safely with ws's own (pings, close):
        // ws writes every frame in one piece and, without compression, never queues
        if (ws.readyState === WebSocket.OPEN) batcher.add(conn, wireFrame(frame));
      },
      bufferedAmount: () => ws.bufferedAmount + conn.pendingBytes,
      close: (code, reason) => closeSocket(conn, code, reason),
    };
    ws.on('error', (err) => logger?.debug({ err, clientId: conn.id }, 'websocket error'));
    ws.on('pong', () => {
      conn.lastSeen = now();
    });
    ws.on('message', (data, isBinary) => {
      try {
        onMessage(conn, data, isBinary);
      } catch (err) {
        logger?.error({ err, clientId: conn.id }, 'websocket message handling failed');
        closeSocket(conn, 1011, 'internal error');
      }
    });
    ws.once('close', () => {
      clearTimeout(conn.killTimer);
      conns.delete(conn);
      hub.disconnect(conn.id);
    });
    const result = hub.connect(client, subscriptions);
    if (!result.ok) closeSocket(conn, result.code, result.reason);
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (closed) return rejectUpgrade(socket, 503, 'shutting_down', 'server is shutting down');
    if (!originAllowed(req.headers.origin, opts.allowedOrigins, opts.allowMissingOrigin ?? true)) {
      return rejectUpgrade(socket, 403, 'forbidden_origin', 'origin not allowed');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = parseSubscriptionQuery(url.searchParams);
    if (!query.ok) return rejectUpgrade(socket, 400, 'invalid_request', query.message);
    const protocols = offeredProtocols(req);
    const principal = await opts.authenticate(upgradeAuthRequest(req, protocols));
    if (socket.destroyed) return;
    if (!principal) return rejectUpgrade(socket, 401, 'unauthorized', 'authentication required');
    for (const { cluster } of query.subscriptions) {
      const access = hub.checkAccess(principal, cluster);
      if (access === 'forbidden')
        return rejectUpgrade(socket, 403, 'cluster_forbidden', `no access to cluster "${cluster}"`);
      if (access === 'unknown_cluster')
        return rejectUpgrade(socket, 404, 'not_found', `unknown cluster "${cluster}"`);
      const denied = await hub.readDenied(principal, cluster);
      if (denied) return rejectUpgrade(socket, 403, 'cluster_denied', denied);
    }
    if (closed) return rejectUpgrade(socket, 503, 'shutting_down', 'server is shutting down');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket, principal, query.subscriptions));
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', (err) => logger?.debug({ err }, 'upgrade socket error'));
      upgrade(req, socket, head).catch((err: unknown) => {
        logger?.error({ err }, 'websocket upgrade failed');
        rejectUpgrade(socket, 500, 'internal', 'upgrade failed');
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      hub.closeAll();
      for (const conn of conns) closeSocket(conn, CloseCode.shutdown, 'server shutting down');
      const deadline = Date.now() + closeGraceMs + 100;
      while (conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const conn of conns) conn.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    connectionCount: () => conns.size,
  };
}
