import { z } from 'zod';
import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { listQuerySchema } from '@/lib/nodes/list-query';
import { listNodesResponse } from '@/lib/nodes/node-api';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

// The original design's path (`/api/v1/nodes?cluster_name=test`), kept for existing scripts.
const query = listQuerySchema.extend({ cluster_name: z.string().min(1).max(63) });

export const GET = apiRoute(
  { auth: 'read', query },
  async ({ req, principal, query: { cluster_name, ...q }, ctx }) => {
    await assertCacheReadable(ctx, principal, cluster_name);
    return listNodesResponse(ctx, cluster_name, q, req);
  },
);
