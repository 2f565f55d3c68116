import { apiRoute } from '@/lib/http/handler';
import { sseResponse } from '@/lib/push/sse-response';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/v1/sse/nodes?cluster=a&cluster=b[&since=N]: the push stream for clients that cannot use
 * WebSockets. Query parsing stays in sseResponse because `cluster` repeats.
 */
export const GET = apiRoute({ auth: 'read', queryToken: true }, ({ req, principal, ctx }) =>
  sseResponse({
    hub: ctx.hub,
    principal,
    url: req.url,
    lastEventId: req.headers.get('last-event-id'),
    signal: req.signal,
    registerCloser: (close) => {
      ctx.sseClosers.add(close);
      return () => ctx.sseClosers.delete(close);
    },
  }),
);
