import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { listNodesResponse } from '@/lib/nodes/node-api';
import { nodeQueryParamsSchema } from '@/lib/protocol/node-query';
import { clusterParams } from '@/lib/protocol/route-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute(
  { auth: 'read', params: clusterParams, query: nodeQueryParamsSchema },
  async ({ req, principal, params, query, ctx }) => {
    await assertCacheReadable(ctx, principal, params.cluster);
    return listNodesResponse(ctx, params.cluster, query, req);
  },
);
