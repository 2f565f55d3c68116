import { z } from 'zod';
import { nodeSummarySchema } from '@/lib/protocol/node-summary';

/** `GET /api/v1/clusters/:cluster/nodes/:node`; lenient beyond the summary, the panel renders what is there. */
export const nodeDetailSchema = z.object({
  summary: nodeSummarySchema,
  object: z.unknown(),
  pods: z
    .array(
      z.looseObject({
        name: z.string(),
        namespace: z.string(),
        phase: z.string().optional(),
        owner: z.string().optional(),
        cpuRequestsMilli: z.number().optional(),
        memoryRequestsBytes: z.number().optional(),
      }),
    )
    .default([]),
  events: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        reason: z.string().optional(),
        message: z.string().optional(),
        count: z.number().optional(),
        lastTimestamp: z.string().optional(),
      }),
    )
    .default([]),
  metrics: z.object({ cpu: z.string(), memory: z.string(), timestamp: z.string().optional() }).optional(),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;
