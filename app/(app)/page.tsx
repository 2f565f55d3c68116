import { HydrationBoundary } from '@tanstack/react-query';
import { headers } from 'next/headers';
import { Suspense } from 'react';
import { Dashboard } from '@/components/dashboard/dashboard';
import { RenderTime } from '@/lib/client/use-now';
import { getAppContext } from '@/lib/server/app-context';
import { prefetchDashboard, serverClock } from '@/lib/server/dashboard-prefetch';

export const dynamic = 'force-dynamic';

/**
 * The node dashboard. Its first data (the cluster list and the URL's first window of rows) is read
 * from the cache in this server render and handed to React Query, so the rows are in the first HTML;
 * the browser's window subscription then continues from there.
 */
export default async function NodesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const h = await headers();
  const renderedAt = serverClock();
  const state = await prefetchDashboard(getAppContext(), { headers: h, url: '/' }, await searchParams).catch(
    () => null,
  );
  return (
    <>
      <h1 className="sr-only">Nodes</h1>
      <HydrationBoundary state={state}>
        {/* the rows' ages hydrate from the server's clock (a mismatch re-renders the page in one long task) */}
        <RenderTime at={renderedAt}>
          <Suspense fallback={<p className="p-4 text-xs text-slate-500">Loading…</p>}>
            <Dashboard />
          </Suspense>
        </RenderTime>
      </HydrationBoundary>
    </>
  );
}
