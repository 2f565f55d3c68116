import { getAppContext } from '@/lib/server/app-context';
import { readiness } from '@/lib/server/readiness';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Readiness for probes and load balancers: `{ready}` and 200/503 for everyone. Cluster names,
 * informer errors (which carry API server URLs) and the database's state go to admins only.
 */
export async function GET(req: Request) {
  const ctx = getAppContext();
  const report = await readiness(ctx);
  const status = report.ready ? 200 : 503;
  const headers = { 'Cache-Control': 'no-store' };
  const caller = await ctx.auth.authenticate(req).catch(() => null);
  const admin = caller?.role === 'admin' && (await ctx.auth.stillValid(caller).catch(() => false));
  return Response.json(admin ? report : { ready: report.ready }, { status, headers });
}
