import { z } from 'zod';
import { identityModeSchema } from '@/lib/protocol/identity';
import { MAX_KUBECONFIG_BYTES } from './kubeconfig';

/** Request bodies of the cluster CRUD routes. */
export const clusterParams = z.object({ cluster: z.string().min(1).max(63) });

const kubeconfig = z.string().min(1, { message: 'paste or upload a kubeconfig' }).max(MAX_KUBECONFIG_BYTES);

export const createClusterBody = z.object({
  name: z.string().min(1).max(63),
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
