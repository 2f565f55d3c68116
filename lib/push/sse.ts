import { randomUUID } from 'node:crypto';
import type { Principal } from '@/lib/auth/types';
import { CloseCode } from '@/lib/protocol/close-codes';
import type { PushHub } from './hub';
import { sseBody } from './frames';
import type { ConnectResult, PushClient, SubscriptionRequest } from './types';

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

export interface SseStreamOptions {
  hub: PushHub;
  principal: Principal;
  subscriptions: SubscriptionRequest[];
  /** request.signal: the stream ends and the client is forgotten when it aborts */
  signal?: AbortSignal;
  heartbeatMs?: number;
  retryMs?: number;
  /** queue size the stream asks its reader for; bufferedAmount counts bytes beyond what was pulled */
  highWaterMark?: number;
  /** lets shutdown end the stream with a final `shutdown` event; returns an unregister function */
  registerCloser?: (close: () => void) => () => void;
}

export type SseStreamResult =
  | { ok: true; stream: ReadableStream<Uint8Array>; clientId: string }
  | { ok: false; code: number; reason: string };

const encoder = new TextEncoder();
let lastText: string | undefined;
let lastBytes: Uint8Array = new Uint8Array(0);

/** The hub hands every SSE subscriber the same frame string in a row; encode it once, not per client. */
function encode(text: string): Uint8Array {
  if (text !== lastText) {
    lastBytes = encoder.encode(text);
    lastText = text;
  }
  return lastBytes;
}

/**
 * Builds the body of an SSE push stream: `retry:`, then the hub's messages as `event:` frames with
 * `id: <cluster>:<seq>` resume points, and a `: ping` comment every 15 s. bufferedAmount is the bytes
 * enqueued but not yet pulled by the response, so the hub's slow-consumer limit applies to SSE too.
 */
export function createSseStream(opts: SseStreamOptions): SseStreamResult {
  const { hub } = opts;
  const admission = hub.admission(opts.principal);
  if (!admission.ok) return admission;
  const id = randomUUID();
  const highWaterMark = opts.highWaterMark ?? 64 * 1024;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  const cleanups: Array<() => void> = [];

  const finish = (): boolean => {
    if (done) return false;
    done = true;
    opts.signal?.removeEventListener('abort', onAbort);
    for (const cleanup of cleanups) cleanup();
    hub.disconnect(id);
    return true;
  };
  const enqueue = (text: string): void => {
    if (done) return;
    try {
      controller.enqueue(encode(text));
    } catch {
      finish();
    }
  };
  const endStream = (): void => {
    try {
      controller.close();
    } catch {
      // already closed or errored by the reader
    }
  };
  function onAbort(): void {
    if (finish()) endStream();
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel() {
        finish();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark }),
  );

  const client: PushClient = {
    id,
    principal: opts.principal,
    transport: 'sse',
    send: enqueue,
    bufferedAmount: () => {
      const desired = controller.desiredSize;
      return desired === null ? 0 : Math.max(0, highWaterMark - desired);
    },
    close: (code) => {
      if (!finish()) return;
      // a slow consumer's backlog is discarded rather than delivered
      if (code === CloseCode.slowConsumer)
        controller.error(new Error('push stream dropped: client too slow'));
      else endStream();
    },
  };

  if (opts.signal?.aborted) return { ok: false, code: CloseCode.shutdown, reason: 'request aborted' };
  opts.signal?.addEventListener('abort', onAbort);
  enqueue(`retry: ${opts.retryMs ?? 3000}\n\n`);
  const result: ConnectResult = hub.connect(client, opts.subscriptions);
  if (!result.ok) {
    finish();
    return result;
  }
  if (done) return { ok: true, stream, clientId: id };
  const heartbeat = setInterval(() => enqueue(': ping\n\n'), opts.heartbeatMs ?? 15_000);
  heartbeat.unref();
  cleanups.push(() => clearInterval(heartbeat));
  const unregister = opts.registerCloser?.(() => {
    if (done) return;
    enqueue(sseBody('shutdown', JSON.stringify({ type: 'shutdown', timestamp: new Date().toISOString() })));
    if (finish()) endStream();
  });
  if (unregister) cleanups.push(unregister);
  return { ok: true, stream, clientId: id };
}
