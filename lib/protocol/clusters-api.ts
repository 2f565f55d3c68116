import { z } from 'zod';
import { identityModeSchema } from './identity';
import { clusterNameSchema } from './names';
export { clusterParams } from './route-params';

/** A kubeconfig upload is refused above this size. */
export const MAX_KUBECONFIG_BYTES = 512 * 1024;

/** Request bodies of the cluster CRUD routes. */
const kubeconfig = z.string().min(1, { message: 'paste or upload a kubeconfig' }).max(MAX_KUBECONFIG_BYTES);

export const createClusterBody = z.object({
  name: clusterNameSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
  kubeconfig,
  context: z.string().min(1).max(253).optional(),
  identityMode: identityModeSchema.optional(),
});

export const createClusterQuery = z.object({
  /** `true`: validate and connection-test only; nothing is saved */
  dryRun: z.enum(['true', 'false']).optional(),
});

export const updateClusterBody = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    kubeconfig: kubeconfig.optional(),
    context: z.string().min(1).max(253).optional(),
    identityMode: identityModeSchema.optional(),
  })
  .refine((b) => b.displayName !== undefined || b.kubeconfig !== undefined || b.identityMode !== undefined, {
    message: 'set displayName, kubeconfig or identityMode',
  });

/** Kubeconfig uploads are large-ish but bounded. */
export const CLUSTER_BODY_LIMIT = MAX_KUBECONFIG_BYTES + 16 * 1024;
