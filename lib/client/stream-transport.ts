/**
 * Transport seams for the stream client: the client only sees these callbacks, so tests drive it with fake
 * sockets and the browser adapters below stay a few lines of glue.
 */
import { sseEventNames } from '@/lib/protocol/messages';
import type { SseWindowBody } from '@/lib/protocol/window';

export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
}
export interface SocketHandle {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface EventSourceHandlers {
  onOpen(): void;
  /** one named SSE event (`event: <type>`); data is the JSON message */
  onMessage(data: string): void;
  onError(): void;
}
export interface EventSourceHandle {
  close(): void;
}
export type EventSourceFactory = (url: string, handlers: EventSourceHandlers) => EventSourceHandle;

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  /** wall-clock ms, for the badge's "last update" */
  now(): number;
}

export const browserClock: Clock = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
  now: () => Date.now(),
};

/** Does the server answer at all? Tells "WebSocket blocked" (fall back to SSE) from "server down" (wait). */
export const browserServerProbe = (url: string) => (): Promise<boolean> =>
  fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.ok,
    () => false,
  );

export const browserSocketFactory: SocketFactory = (url, h) => {
  const ws = new WebSocket(url);
  ws.onopen = () => h.onOpen();
  ws.onmessage = (ev: MessageEvent) => {
    if (typeof ev.data === 'string') h.onMessage(ev.data);
  };
  // onerror is always followed by onclose in browsers; onclose alone drives reconnects
  ws.onclose = (ev: CloseEvent) => h.onClose(ev.code, ev.reason);
  return {
    send: (data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    },
    close: (code, reason) => {
      ws.onopen = ws.onmessage = ws.onclose = null;
      ws.close(code, reason);
    },
  };
};

export const browserEventSourceFactory: EventSourceFactory = (url, h) => {
  const es = new EventSource(url, { withCredentials: true });
  const onMessage = (ev: MessageEvent) => {
    if (typeof ev.data === 'string') h.onMessage(ev.data);
  };
  for (const t of sseEventNames) es.addEventListener(t, onMessage as EventListener);
  es.onopen = () => h.onOpen();
  // a server-sent `event: error` message also reaches onerror; only a connection error has no data
  es.onerror = (ev) => {
    if (!(ev instanceof MessageEvent)) h.onError();
  };
  return {
    close: () => {
      for (const t of sseEventNames) es.removeEventListener(t, onMessage as EventListener);
      es.onopen = es.onerror = null;
      es.close();
    },
  };
};

/** POSTs a window request for the page's SSE connection (same origin: the session cookie goes along). */
export const browserWindowPost =
  (url: string) =>
  async (body: SseWindowBody): Promise<void> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
  };
