import { z } from 'zod';

/** The dry run of a batch: what it would touch, answered by POST …/operations/preview. */
export const batchPreviewSchema = z.object({
  cluster: z.string(),
  kind: z.string(),
  /** nodes the batch would run on, in order (a selector is evaluated now) */
  total: z.number().int().nonnegative(),
  nodes: z.array(
    z.object({
      name: z.string(),
      /** cordoned already (counts toward max unavailable, and starts without taking a slot) */
      unschedulable: z.boolean(),
    }),
  ),
  /** listed nodes the cluster does not have (they would fail) */
  missing: z.array(z.string()),
  /** nodes of the whole cluster unschedulable now */
  unavailableNow: z.number().int().nonnegative(),
  maxUnavailable: z.number().int().positive().optional(),
  stopAfterFailures: z.number().int().positive().optional(),
  /** things worth knowing before starting, in words */
  warnings: z.array(z.string()),
});
export type BatchPreview = z.infer<typeof batchPreviewSchema>;
export const batchPreviewResponseSchema = z.object({ preview: batchPreviewSchema });
