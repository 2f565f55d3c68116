import type { Principal } from '@/lib/auth/types';
import type { ClusterAction } from '@/lib/protocol/identity';
import { actingUserOf, type IdentityService } from './identity-service';

/** The cluster's RBAC refuses what the user asked (403, audited as 'denied'). */
export class ClusterDeniedError extends Error {
  override name = 'ClusterDeniedError';
  readonly httpStatus = 403;
  readonly code = 'cluster_denied';
}

/**
 * Asks the cluster (as the user, cached a minute) before acting: throws ClusterDeniedError naming
 * the first refused action. Shared mode never asks: the app's roles decide there.
 */
export async function assertClusterAllows(
  identity: IdentityService,
  principal: Principal,
  cluster: string,
  actions: ClusterAction[],
): Promise<void> {
  if (identity.mode(cluster) === 'shared') return;
  const user = actingUserOf(principal);
  for (const action of actions) {
    let verdict: { allowed: boolean; reason?: string };
    try {
      verdict = await identity.allows(cluster, user, action);
    } catch (err) {
      // fail closed: without the cluster's answer nothing is served or done for the user
      throw new ClusterDeniedError(
        `the cluster's permissions for user ${principal.username} could not be checked: ${(err as Error).message}`,
      );
    }
    if (!verdict.allowed) throw new ClusterDeniedError(verdict.reason ?? `the cluster denies ${action}`);
  }
}

/** Reads from the node cache are served only when the cluster would let the user list nodes itself. */
export async function readDenied(
  identity: IdentityService,
  principal: Principal,
  cluster: string,
): Promise<string | undefined> {
  try {
    await assertClusterAllows(identity, principal, cluster, ['list-nodes']);
    return undefined;
  } catch (err) {
    if (err instanceof ClusterDeniedError) return err.message;
    throw err;
  }
}
