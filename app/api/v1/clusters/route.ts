import { canAccessCluster } from '@/lib/auth/permissions';
import { CLUSTER_BODY_LIMIT, createClusterBody, createClusterQuery } from '@/lib/protocol/clusters-api';
import { clusterView } from '@/lib/clusters/cluster-view';
import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Clusters the caller may see, with live sync status. Never includes kubeconfigs. */
export const GET = apiRoute({ auth: 'read' }, async ({ principal, ctx }) => {
  const all = await ctx.clusters.list();
  return {
    items: all.filter((c) => canAccessCluster(principal, c.name)).map((c) => clusterView(c, ctx.manager)),
  };
});

/** Adds a cluster from a kubeconfig after a connection test; `?dryRun=true` only tests. */
export const POST = apiRoute(
  { auth: 'admin', body: createClusterBody, query: createClusterQuery, maxBodyBytes: CLUSTER_BODY_LIMIT },
  async (args) => {
    const { body, query, principal, ctx } = args;
    if (query.dryRun === 'true') return { ok: true, ...(await ctx.clusters.test(body)) };
    const entry = {
      action: 'cluster.create',
      cluster: body.name,
      target: body.name,
      parameters: { context: body.context ?? null, identityMode: body.identityMode ?? 'shared' },
    };
    const { cluster, test } = await audited(args, entry, () =>
      ctx.clusters.add(body, { userId: principal.userId }),
    );
    return Response.json({ ...clusterView(cluster, ctx.manager), test }, { status: 201 });
  },
);
