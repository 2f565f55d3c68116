import type { Principal } from '@/lib/auth/types';
import { ApiError, notFound } from '@/lib/http/errors';
import { apiRoute, assertClusterAccess } from '@/lib/http/handler';
import { clusterParams } from '@/lib/protocol/route-params';
import type { AppContext } from '@/lib/server/app-context';
import { ClusterDeniedError, readDenied } from './guards';
import { actingUserOf } from './identity-service';

/**
 * The app's grant first, then (impersonate / oidc-token modes) the cluster's: cached node reads are
 * served only when the cluster lets the user list nodes itself (access review, cached a minute).
 */
export async function assertCacheReadable(
  ctx: Pick<AppContext, 'identity'>,
  principal: Principal,
  cluster: string,
): Promise<void> {
  assertClusterAccess(principal, cluster);
  const denied = await readDenied(ctx.identity, principal, cluster);
  if (denied) throw new ClusterDeniedError(denied);
}

/** GET /api/v1/clusters/:cluster/permissions: what the cluster lets the caller do, asked as them. */
export const getPermissions = apiRoute(
  { auth: 'read', params: clusterParams },
  async ({ principal, params, ctx }) => {
    assertClusterAccess(principal, params.cluster);
    if (!ctx.manager.hasCluster(params.cluster)) throw notFound(`cluster ${params.cluster}`);
    try {
      return await ctx.identity.permissions(params.cluster, actingUserOf(principal));
    } catch (err) {
      if ((err as { code?: unknown }).code === 'cluster_identity_unavailable') throw err;
      throw new ApiError(
        502,
        'cluster_unavailable',
        `the cluster's permissions could not be checked: ${(err as Error).message}`,
      );
    }
  },
);
