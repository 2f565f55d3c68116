import { z } from 'zod';

/**
 * Whose identity a cluster sees when the app acts for a user:
 * - `shared`: the stored kubeconfig's (the app's roles and grants decide alone);
 * - `impersonate`: the kubeconfig's identity impersonating the user (Impersonate-User/-Group), so the
 *   cluster's RBAC decides too;
 * - `oidc-token`: the user's own OIDC ID token, for clusters that trust the same issuer.
 */
export const identityModeSchema = z.enum(['shared', 'impersonate', 'oidc-token']);
export type IdentityMode = z.infer<typeof identityModeSchema>;
export const IDENTITY_MODES = identityModeSchema.options;

/** The cluster-side verbs behind the app's node actions (asked ahead of time with SelfSubjectAccessReview). */
export const clusterActionSchema = z.enum(['patch-nodes', 'evict-pods', 'list-pods', 'list-nodes']);
export type ClusterAction = z.infer<typeof clusterActionSchema>;

export const CLUSTER_ACTIONS: Record<
  ClusterAction,
  { verb: string; resource: string; subresource?: string; group: string; label: string }
> = {
  'patch-nodes': { verb: 'patch', resource: 'nodes', group: '', label: 'patch nodes' },
  'evict-pods': {
    verb: 'create',
    resource: 'pods',
    subresource: 'eviction',
    group: '',
    label: 'create pods/eviction',
  },
  'list-pods': { verb: 'list', resource: 'pods', group: '', label: 'list pods' },
  'list-nodes': { verb: 'list', resource: 'nodes', group: '', label: 'list nodes' },
};

export const clusterPermissionSchema = z.object({
  allowed: z.boolean(),
  /** why not, in the app's words ("the cluster denies user labeler: create pods/eviction") */
  reason: z.string().optional(),
});

/** GET /api/v1/clusters/:cluster/permissions */
export const clusterPermissionsSchema = z.object({
  cluster: z.string(),
  mode: identityModeSchema,
  /** the identity the cluster sees ("user labeler", or the kubeconfig's in shared mode) */
  identity: z.string(),
  /** epoch ms the answers were asked (cached for a minute) */
  checkedAt: z.number(),
  actions: z.record(clusterActionSchema, clusterPermissionSchema),
});
export type ClusterPermissions = z.infer<typeof clusterPermissionsSchema>;
