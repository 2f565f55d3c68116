import { z } from 'zod';
import { isNodeName } from './names';

/**
 * Node CPU and memory usage from metrics.k8s.io, which cannot be watched: the server samples it per
 * cluster while someone asks (lib/node-metrics) and these REST shapes carry what it last saw.
 */

/** How often the server lists NodeMetrics at most, and the charts' sample spacing. */
export const USAGE_SAMPLE_SECONDS = 15;
/** How far back a watched node's charts reach. */
export const USAGE_HISTORY_SECONDS = 3600;
/** Node names one usage request may ask for (a screen of rows is far below it). */
export const MAX_USAGE_NAMES = 500;

/**
 * `GET /api/v1/clusters/:cluster/node-usage?names=a,b,c`: comma-separated node names (the table's
 * visible rows), at most MAX_USAGE_NAMES.
 */
export const nodeUsageQuerySchema = z.object({
  names: z
    .string({ message: 'is required: comma-separated node names' })
    .transform((s) => [...new Set(s.split(',').filter(Boolean))])
    .refine((names) => names.length > 0, { message: 'must name at least one node' })
    .refine((names) => names.length <= MAX_USAGE_NAMES, {
      message: `may name at most ${MAX_USAGE_NAMES} nodes`,
    })
    .refine((names) => names.every(isNodeName), { message: 'must be valid node names' }),
});

export const nodeUsageSchema = z.object({
  cpuMilli: z.number().nonnegative(),
  memoryBytes: z.number().nonnegative(),
});
export type NodeUsage = z.infer<typeof nodeUsageSchema>;

/** Why there are no numbers: the cluster does not serve metrics.k8s.io, refuses it, or it failed. */
export const metricsUnavailableSchema = z.object({
  code: z.enum(['not_served', 'forbidden', 'failed']),
  message: z.string(),
});
export type MetricsUnavailable = z.infer<typeof metricsUnavailableSchema>;

export const nodeUsageResponseSchema = z.object({
  cluster: z.string(),
  /** when the values were listed (ISO); null before the first successful sample */
  sampledAt: z.string().nullable(),
  intervalSeconds: z.number(),
  /** set when the cluster gave no metrics; `usage` is then empty */
  unavailable: metricsUnavailableSchema.optional(),
  /** by node name; a node the metrics server did not report is absent */
  usage: z.record(z.string(), nodeUsageSchema),
});
export type NodeUsageResponse = z.infer<typeof nodeUsageResponseSchema>;

const series = z.array(z.number().nullable());

/**
 * `GET /api/v1/clusters/:cluster/nodes/:node/usage-history`: the node's last hour, sampled every
 * USAGE_SAMPLE_SECONDS while someone asks for it. Columns (uPlot's shape); null draws a gap.
 */
export const nodeUsageHistorySchema = z.object({
  cluster: z.string(),
  node: z.string(),
  intervalSeconds: z.number(),
  windowSeconds: z.number(),
  unavailable: metricsUnavailableSchema.optional(),
  /** what the node can hold, for the charts' scales; null when the node reports none */
  allocatable: z.object({
    cpuMilli: z.number().nullable(),
    memoryBytes: z.number().nullable(),
    pods: z.number().nullable(),
  }),
  /** epoch ms of each sample */
  t: z.array(z.number()),
  cpuMilli: series,
  memoryBytes: series,
  pods: series,
});
export type NodeUsageHistory = z.infer<typeof nodeUsageHistorySchema>;
