import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** GET /api/v1/ws/stats (admin): push connections by transport, cluster and user; counters; per-cluster seq. */
export const GET = apiRoute({ auth: 'admin' }, ({ ctx }) => ctx.hub.stats());
