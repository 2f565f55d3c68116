import { getAppContext } from '@/lib/server/app-context';
import { readiness } from '@/lib/server/readiness';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Readiness: database migrated and every registered cluster synced; per-cluster state in the body. */
export function GET() {
  const report = readiness(getAppContext());
  return Response.json(report, { status: report.ready ? 200 : 503 });
}
