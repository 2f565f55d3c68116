import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { listNodesResponse } from '@/lib/nodes/node-api';
import { legacyNodeListParamsSchema as query } from '@/lib/protocol/node-query';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// The original design's path (`/api/v1/nodes?cluster_name=test`), kept for existing scripts.

export const GET = apiRoute(
  { auth: 'read', query },
  async ({ req, principal, query: { cluster_name, ...q }, ctx }) => {
    await assertCacheReadable(ctx, principal, cluster_name);
    return listNodesResponse(ctx, cluster_name, q, req);
  },
);
