import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { TtlCache } from '@/lib/auth/ttl-cache';
import type { Principal, Role } from '@/lib/auth/types';
import {
  CLUSTER_ACTIONS,
  type ClusterAction,
  type ClusterPermissions,
  type IdentityMode,
} from '@/lib/protocol/identity';
import { actingKubeConfig, type ActingAs } from './acting-kubeconfig';

/** Who the app acts for: what the cluster is told in impersonate and oidc-token modes. */
export interface ActingUser {
  username: string;
  role: Role;
  /** the identity provider's groups (OIDC sessions) */
  groups: string[];
  /** the session whose OIDC tokens oidc-token mode sends; API tokens have none */
  sessionId?: string;
}

export const actingUserOf = (p: Principal): ActingUser => ({
  username: p.username,
  role: p.role,
  groups: p.groups ?? [],
  ...(p.sessionId ? { sessionId: p.sessionId } : {}),
});

/** The user cannot be represented to the cluster (oidc-token mode without a single sign-on session). */
export class IdentityError extends Error {
  override name = 'IdentityError';
  readonly httpStatus = 403;
  readonly code = 'cluster_identity_unavailable';
}

export interface IdentityServiceOptions {
  /** the cluster's kubeconfig identity (keep-alive agents); impersonation and tokens are layered on it */
  kubeConfig(cluster: string): KubeConfig;
  /** IMPERSONATE_ROLE_GROUPS: the group each app role adds to Impersonate-Group */
  roleGroups: Partial<Record<Role, string>>;
  /** the session's current ID token, refreshed when it is about to expire (oidc-token mode) */
  idToken?(sessionId: string): Promise<string>;
  /** how long access reviews are reused (default one minute) */
  permissionsTtlMs?: number;
  now?: () => number;
}

/**
 * Whose identity each cluster sees: the mode per cluster (kept current by runtime-clusters), the
 * KubeConfig to use for a user's request, and the cluster's own answer to "may this user…?"
 * (SelfSubjectAccessReview as that user, cached per cluster, mode and user).
 */
export class IdentityService {
  private readonly modes = new Map<string, IdentityMode>();
  private readonly reviews: TtlCache<Promise<ClusterPermissions>>;
  private readonly now: () => number;

  constructor(private readonly opts: IdentityServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.reviews = new TtlCache(opts.permissionsTtlMs ?? 60_000, this.now);
  }

  setMode(cluster: string, mode: IdentityMode): void {
    // answers asked under another mode no longer hold (the cache is small: one entry per cluster and user)
    if (this.modes.get(cluster) !== mode) this.reviews.clear();
    this.modes.set(cluster, mode);
  }

  dropCluster(cluster: string): void {
    this.modes.delete(cluster);
    this.reviews.clear();
  }

  mode(cluster: string): IdentityMode {
    return this.modes.get(cluster) ?? 'shared';
  }

  /** Impersonate-User and Impersonate-Group for a user: the provider's groups plus the role's group. */
  impersonation(user: ActingUser): { user: string; groups: string[] } {
    const roleGroup = this.opts.roleGroups[user.role];
    return { user: user.username, groups: [...new Set([...user.groups, ...(roleGroup ? [roleGroup] : [])])] };
  }

  /** The KubeConfig for a request made for `user` (the kubeconfig's own identity without one, or in shared mode). */
  kubeConfig(cluster: string, user?: ActingUser): KubeConfig {
    const kc = this.opts.kubeConfig(cluster);
    const as = user && this.actingAs(cluster, user);
    return as ? actingKubeConfig(kc, as) : kc;
  }

  /** How the cluster will name the user ("user labeler"), or the kubeconfig's identity in shared mode. */
  describe(cluster: string, user?: ActingUser): string {
    if (!user || this.mode(cluster) === 'shared') return "the cluster's kubeconfig identity";
    return `user ${user.username}`;
  }

  private actingAs(cluster: string, user: ActingUser): ActingAs | undefined {
    const mode = this.mode(cluster);
    if (mode === 'shared') return undefined;
    if (mode === 'impersonate') return { kind: 'impersonate', ...this.impersonation(user) };
    const { sessionId } = user;
    if (!sessionId || !this.opts.idToken)
      throw new IdentityError(
        `cluster ${cluster} accepts only the user's own single sign-on token (oidc-token mode): sign in with single sign-on; API tokens cannot act here`,
      );
    const opts = this.opts;
    return { kind: 'token', token: () => opts.idToken!(sessionId) };
  }

  /** The cluster's answers for the actions behind the app's buttons, asked as the user; cached a minute. */
  permissions(cluster: string, user: ActingUser): Promise<ClusterPermissions> {
    const mode = this.mode(cluster);
    const who =
      mode === 'shared'
        ? ''
        : mode === 'impersonate'
          ? JSON.stringify(this.impersonation(user))
          : (user.sessionId ?? '');
    const key = `${cluster}\0${mode}\0${who}`;
    const hit = this.reviews.get(key);
    if (hit) return hit;
    const asked = this.review(cluster, mode, user);
    this.reviews.set(key, asked);
    // a failed review is not remembered: the next call asks again
    asked.catch(() => this.reviews.delete(key));
    return asked;
  }

  /** Whether the cluster lets the user do `action` (true in shared mode: the app's roles decide there). */
  async allows(
    cluster: string,
    user: ActingUser,
    action: ClusterAction,
  ): Promise<{ allowed: boolean; reason?: string }> {
    if (this.mode(cluster) === 'shared') return { allowed: true };
    return (await this.permissions(cluster, user)).actions[action];
  }

  private async review(cluster: string, mode: IdentityMode, user: ActingUser): Promise<ClusterPermissions> {
    const checkedAt = this.now();
    const api = this.kubeConfig(cluster, mode === 'shared' ? undefined : user).makeApiClient(
      AuthorizationV1Api,
    );
    const identity = mode === 'shared' ? "the cluster's kubeconfig identity" : `user ${user.username}`;
    const entries = await Promise.all(
      (Object.keys(CLUSTER_ACTIONS) as ClusterAction[]).map(async (action) => {
        const a = CLUSTER_ACTIONS[action];
        const res = await api.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: {
              resourceAttributes: {
                verb: a.verb,
                group: a.group,
                resource: a.resource,
                ...(a.subresource ? { subresource: a.subresource } : {}),
              },
            },
          },
        });
        const allowed = res.status?.allowed === true;
        return [
          action,
          allowed ? { allowed } : { allowed, reason: `the cluster denies ${identity}: ${a.label}` },
        ] as const;
      }),
    );
    return {
      cluster,
      mode,
      identity,
      checkedAt,
      actions: Object.fromEntries(entries) as ClusterPermissions['actions'],
    };
  }
}
