import { apiRoute, assertClusterAccess } from '@/lib/http/handler';
import { listQuerySchema } from '@/lib/nodes/list-query';
import { listNodesResponse } from '@/lib/nodes/node-api';
import { clusterParams } from '@/lib/protocol/route-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute(
  { auth: 'read', params: clusterParams, query: listQuerySchema },
  ({ req, principal, params, query, ctx }) => {
    assertClusterAccess(principal, params.cluster);
    return listNodesResponse(ctx, params.cluster, query, req);
  },
);
