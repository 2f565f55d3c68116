import { badRequest } from '@/lib/http/errors';
import { apiRoute, assertClusterAccess, notFound } from '@/lib/http/handler';
import { parseNodeQuery } from '@/lib/protocol/node-query';
import { sseWindowBodySchema as body } from '@/lib/protocol/window';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * POST /api/v1/sse/windows: opens, moves or closes a live window on the caller's SSE connection
 * (EventSource cannot send). 202; the snapshot and diffs arrive on the stream. Like every non-GET
 * route it needs a write-scoped credential (a session has one); read-scoped tokens use windows over
 * the WebSocket.
 */
export const POST = apiRoute({ auth: 'account', body }, ({ principal, body, ctx }) => {
  assertClusterAccess(principal, body.cluster);
  const { connection_id, close, ...req } = body;
  if (!close) {
    const q = parseNodeQuery(req.query);
    if (!q.ok) throw badRequest(`query.${q.message}`);
  }
  const sent = ctx.hub.windowRequest(
    connection_id,
    principal,
    close ? { type: 'window_close', data: { id: req.id } } : { type: 'window', data: req },
  );
  // the stream may be held by another replica, or be gone
  if (!sent) throw notFound(`push connection '${connection_id}' of this user`);
  return new Response(null, { status: 202 });
});
