import { apiRoute } from '@/lib/http/handler';
import { assertCacheReadable } from '@/lib/identity/routes';
import { actorOf } from '@/lib/nodes/node-routes';
import { getNodeDetail } from '@/lib/nodes/node-api';
import { nodeParams } from '@/lib/protocol/route-params';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'read', params: nodeParams }, async ({ principal, params, ctx }) => {
  await assertCacheReadable(ctx, principal, params.cluster);
  return getNodeDetail(ctx, params.cluster, params.node, actorOf(principal));
});
