import type { Principal } from '@/lib/auth/types';
import { CloseCode } from '@/lib/protocol/close-codes';
import type { PushHub } from './hub';
import { SSE_HEADERS, createSseStream, type SseStreamOptions } from './sse';
import { parseSubscriptionQuery } from './subscription-query';

export interface SseRequestOptions {
  hub: PushHub;
  principal: Principal;
  url: string | URL;
  lastEventId?: string | null;
  signal?: AbortSignal;
  registerCloser?: SseStreamOptions['registerCloser'];
  heartbeatMs?: number;
}

function jsonError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra },
  });
}

/**
 * The whole SSE endpoint after authentication: reads `cluster`/`since` and Last-Event-ID, checks
 * cluster access (403/404 before any stream starts), admits the client (503 at the connection
 * limits) and returns the event-stream Response.
 */
export async function sseResponse(opts: SseRequestOptions): Promise<Response> {
  const url = typeof opts.url === 'string' ? new URL(opts.url, 'http://localhost') : opts.url;
  const query = parseSubscriptionQuery(url.searchParams, opts.lastEventId);
  if (!query.ok) return jsonError(400, 'invalid_request', query.message);
  for (const { cluster } of query.subscriptions) {
    const access = opts.hub.checkAccess(opts.principal, cluster);
    if (access === 'forbidden')
      return jsonError(403, 'cluster_forbidden', `no access to cluster "${cluster}"`);
    if (access === 'unknown_cluster') return jsonError(404, 'not_found', `unknown cluster "${cluster}"`);
    const denied = await opts.hub.readDenied(opts.principal, cluster);
    if (denied) return jsonError(403, 'cluster_denied', denied);
  }
  const result = createSseStream({
    hub: opts.hub,
    principal: opts.principal,
    subscriptions: query.subscriptions,
    signal: opts.signal,
    registerCloser: opts.registerCloser,
    heartbeatMs: opts.heartbeatMs,
  });
  if (!result.ok) {
    if (result.code === CloseCode.unauthorized) return jsonError(401, 'unauthorized', result.reason);
    return jsonError(503, 'unavailable', result.reason, { 'Retry-After': '5' });
  }
  return new Response(result.stream, { status: 200, headers: SSE_HEADERS });
}
