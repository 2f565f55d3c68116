import { dehydrate, QueryClient, type DehydratedState } from '@tanstack/react-query';
import { canAccessCluster } from '@/lib/auth/permissions';
import type { AuthRequestLike } from '@/lib/auth/types';
import { clusterView } from '@/lib/clusters/cluster-view';
import { filterNodes } from '@/lib/client/node-filter';
import { nodeQueryFromUrl, urlQueryKeys, type UrlQueryKey } from '@/lib/client/node-query-search';
import { queryKeys } from '@/lib/client/query-keys';
import { TABLE_WINDOW_ID } from '@/lib/client/window-range';
import type { WindowState } from '@/lib/client/window-state';
import { readDenied } from '@/lib/identity/guards';
import { listNodes } from '@/lib/nodes/node-api';
import { formatNodeQuery, nodeQueryParamsSchema } from '@/lib/protocol/node-query';
import { toNodeRow } from '@/lib/shared/node-row';
import type { AppContext } from './app-context';

/** Rows the server renders: a tall screen's worth; the browser's window subscription takes over. */
export const FIRST_WINDOW_ROWS = 60;

/** The render's time, for RenderTime (lib/client/use-now.ts): ages in the HTML are computed from it. */
export const serverClock = (): number => Date.now();

type SearchParams = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The dashboard's first data, read from the cache in the server render (no HTTP to itself): the
 * cluster list and the first window of the URL's query on the URL's cluster (or the first one), as
 * React Query state for HydrationBoundary. So the first HTML has rows and the browser's first
 * requests are not a waterfall. Anything that would fail (no session, cluster syncing or denied)
 * leaves that part out and the browser fetches it as before.
 */
export async function prefetchDashboard(
  ctx: AppContext,
  req: AuthRequestLike,
  searchParams: SearchParams,
): Promise<DehydratedState | null> {
  const principal = await ctx.auth.authenticate(req);
  if (!principal || !(await ctx.auth.stillValid(principal))) return null;
  const qc = new QueryClient();
  const all = await ctx.clusters.list();
  const clusters = all
    .filter((c) => canAccessCluster(principal, c.name))
    .map((c) => clusterView(c, ctx.manager));
  qc.setQueryData(queryKeys.clusters, clusters);
  const wanted = one(searchParams.cluster);
  const info = clusters.find((c) => c.name === wanted) ?? clusters[0];
  // only from a synced cache: an unsynced cluster's list would go to its API server, in the render
  if (info && info.status === 'ready' && !(await readDenied(ctx.identity, principal, info.name))) {
    const fields = Object.fromEntries(urlQueryKeys.map((k) => [k, one(searchParams[k])])) as Record<
      UrlQueryKey,
      string | undefined
    >;
    // the browser drops malformed fields the same way (filterNodes), so the keys match
    const query = filterNodes([], nodeQueryFromUrl(fields)).query;
    const canonical = formatNodeQuery(query);
    try {
      const params = nodeQueryParamsSchema.parse({
        ...Object.fromEntries(new URLSearchParams(canonical)),
        offset: 0,
        limit: FIRST_WINDOW_ROWS,
      });
      const page = await listNodes(ctx, info.name, params);
      const state: WindowState = {
        id: TABLE_WINDOW_ID,
        cluster: info.name,
        query: canonical,
        offset: 0,
        limit: FIRST_WINDOW_ROWS,
        seq: page.seq,
        total: page.total,
        rows: page.items.map(toNodeRow),
      };
      if (page.synced) qc.setQueryData(queryKeys.window(info.name, canonical), state);
    } catch {
      // the browser asks for the window itself and shows its error
    }
  }
  return dehydrate(qc);
}
