import { CLUSTER_BODY_LIMIT, clusterParams, updateClusterBody } from '@/lib/protocol/clusters-api';
import { clusterView } from '@/lib/clusters/cluster-view';
import { audited } from '@/lib/http/audited';
import { apiRoute, assertClusterAccess } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'read', params: clusterParams }, async ({ principal, params, ctx }) => {
  assertClusterAccess(principal, params.cluster);
  return clusterView(await ctx.clusters.require(params.cluster), ctx.manager);
});

/** Rename, rotate credentials (the new kubeconfig is connection-tested first) or change the identity mode. */
export const PATCH = apiRoute(
  { auth: 'admin', params: clusterParams, body: updateClusterBody, maxBodyBytes: CLUSTER_BODY_LIMIT },
  async (args) => {
    const { params, body, ctx } = args;
    const entry = {
      action: 'cluster.update',
      cluster: params.cluster,
      target: params.cluster,
      parameters: {
        displayName: body.displayName ?? null,
        credentialsRotated: body.kubeconfig !== undefined,
        context: body.context ?? null,
        identityMode: body.identityMode ?? null,
      },
    };
    const { cluster, test } = await audited(args, entry, () => ctx.clusters.update(params.cluster, body));
    return { ...clusterView(cluster, ctx.manager), ...(test ? { test } : {}) };
  },
);

export const DELETE = apiRoute({ auth: 'admin', params: clusterParams }, async (args) => {
  const { params, ctx } = args;
  await audited(args, { action: 'cluster.delete', cluster: params.cluster, target: params.cluster }, () =>
    ctx.clusters.remove(params.cluster),
  );
});
