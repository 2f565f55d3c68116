import { apiRoute, assertClusterAccess } from '@/lib/http/handler';
import { getNodeDetail } from '@/lib/nodes/node-api';
import { nodeParams } from '@/lib/protocol/route-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'read', params: nodeParams }, ({ principal, params, ctx }) => {
  assertClusterAccess(principal, params.cluster);
  return getNodeDetail(ctx, params.cluster, params.node);
});
