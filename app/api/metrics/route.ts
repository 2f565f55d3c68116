import { apiRoute, notFound, unauthorized } from '@/lib/http/handler';
import { metricsText, scrapeAuthorized } from '@/lib/metrics/endpoint';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/metrics: Prometheus text format, behind `Authorization: Bearer $METRICS_TOKEN`. Without
 * METRICS_TOKEN the main port does not serve metrics (METRICS_PORT serves them unauthenticated).
 */
export const GET = apiRoute({ auth: 'public' }, async ({ req, ctx }) => {
  const { token } = ctx.config.metrics;
  if (!ctx.metrics || !token) throw notFound('metrics on this port (set METRICS_TOKEN or METRICS_PORT)');
  if (!scrapeAuthorized(req.headers.get('authorization'), token))
    throw unauthorized('Bearer METRICS_TOKEN required');
  const { contentType, body } = await metricsText(ctx.metrics.registry);
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
});
