import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { listQuerySchema } from '@/lib/nodes/list-query';
import { listNodesResponse } from '@/lib/nodes/node-api';
import { clusterParams } from '@/lib/nodes/route-schemas';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute(
  { auth: 'read', params: clusterParams, query: listQuerySchema },
  async ({ req, principal, params, query, ctx }) => {
    await assertCacheReadable(ctx, principal, params.cluster);
    return listNodesResponse(ctx, params.cluster, query, req);
  },
);
