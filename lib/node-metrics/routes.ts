import { notFound } from '@/lib/http/errors';
import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { getNodeSummary } from '@/lib/nodes/node-api';
import { nodeUsageQuerySchema } from '@/lib/protocol/node-usage';
import { clusterParams, nodeParams } from '@/lib/protocol/route-params';

/**
 * GET /api/v1/clusters/:cluster/node-usage?names=…: the last sampled usage of the named nodes (the
 * table's visible rows). Read like the node cache: the app's grant, then the cluster's own.
 */
export const getNodeUsage = apiRoute(
  { auth: 'read', params: clusterParams, query: nodeUsageQuerySchema },
  async ({ principal, params, query, ctx }) => {
    await assertCacheReadable(ctx, principal, params.cluster);
    if (!ctx.manager.hasCluster(params.cluster)) throw notFound(`cluster ${params.cluster}`);
    return ctx.nodeMetrics.usage(params.cluster, query.names);
  },
);

/** GET /api/v1/clusters/:cluster/nodes/:node/usage-history: the node's sampled hour; asking keeps it sampled. */
export const getNodeUsageHistory = apiRoute(
  { auth: 'read', params: nodeParams },
  async ({ principal, params, ctx }) => {
    await assertCacheReadable(ctx, principal, params.cluster);
    await getNodeSummary(ctx, params.cluster, params.node);
    return ctx.nodeMetrics.history(params.cluster, params.node);
  },
);
