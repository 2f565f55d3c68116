import { apiRoute, notFound } from '@/lib/http/handler';
import type { HealthHistory } from '@/lib/protocol/health';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/v1/health/history (admin): the health page's last 15 minutes, sampled from the metrics registry. */
export const GET = apiRoute({ auth: 'admin-read' }, ({ ctx }): HealthHistory => {
  if (!ctx.metrics) throw notFound('metrics (METRICS_ENABLED=false)');
  return ctx.metrics.history.snapshot();
});
