import { z } from 'zod';

/** GET /api/v1/health/history (admins): the health page's last 15 minutes, sampled from the metrics registry. */

const nullableNumber = z.number().nullable();

export const clusterHealthSampleSchema = z.object({
  state: z.enum(['syncing', 'ready', 'degraded', 'stopped']),
  nodes: z.number(),
  /** watch events received per second since the previous sample */
  eventsPerSecond: z.number(),
  /** classified changes emitted per second since the previous sample */
  emittedPerSecond: z.number(),
  /** push delivery (cache apply → socket write) quantiles of the deliveries since the previous sample */
  pushP50Ms: nullableNumber,
  pushP99Ms: nullableNumber,
  subscriptions: z.number(),
  watchRestarts: z.number(),
});
export type ClusterHealthSample = z.infer<typeof clusterHealthSampleSchema>;

export const healthSampleSchema = z.object({
  /** epoch ms */
  t: z.number(),
  connections: z.object({ ws: z.number(), sse: z.number() }),
  messagesPerSecond: z.number(),
  heapUsedBytes: nullableNumber,
  clusters: z.record(z.string(), clusterHealthSampleSchema),
});
export type HealthSample = z.infer<typeof healthSampleSchema>;

export const healthHistorySchema = z.object({
  intervalSeconds: z.number(),
  windowSeconds: z.number(),
  samples: z.array(healthSampleSchema),
});
export type HealthHistory = z.infer<typeof healthHistorySchema>;
