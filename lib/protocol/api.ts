import { z } from 'zod';
import { identityModeSchema } from './identity';
import { nodeSummarySchema } from './node-summary';

/** REST shapes shared by route handlers and the browser. */
export const nodeListResponseSchema = z.object({
  cluster: z.string(),
  /** the cluster's push seq when the list was taken: subscribe with since=seq to continue from it */
  seq: z.number().int().nonnegative(),
  source: z.enum(['cache', 'api']),
  synced: z.boolean(),
  total: z.number().int().nonnegative(),
  items: z.array(nodeSummarySchema),
});
export type NodeListResponse = z.infer<typeof nodeListResponseSchema>;

export const clusterInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['kubeconfig', 'demo', 'in-cluster']),
  /** whose identity the cluster sees when the app acts for a user */
  identityMode: identityModeSchema.optional(),
  status: z.enum(['syncing', 'ready', 'degraded', 'stopped']),
  error: z.string().optional(),
  nodes: z.number().int().nonnegative(),
  ready: z.number().int().nonnegative(),
  seq: z.number().int().nonnegative(),
});
export type ClusterInfo = z.infer<typeof clusterInfoSchema>;

export const apiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
