import { z } from 'zod';
import { clusterNameSchema } from './names';
import { MAX_WINDOW } from './node-query';
import { nodeStatusSchema, taintSchema } from './node-summary';

/**
 * Live windowed queries: a client subscribes, over its WebSocket or SSE connection, to rows
 * [offset, offset + limit) of a node query and is pushed only what changes those rows.
 */

/** What one table row shows: a slim projection of a NodeSummary (the node panel fetches the rest). */
export const nodeRowSchema = z.object({
  name: z.string(),
  status: nodeStatusSchema,
  unschedulable: z.boolean(),
  roles: z.array(z.string()),
  version: z.string(),
  internalIP: z.string(),
  /** '' when the node reports none (so are zone, region and instance type without their labels) */
  externalIP: z.string(),
  zone: z.string(),
  region: z.string(),
  instanceType: z.string(),
  os: z.string(),
  arch: z.string(),
  /** every label: the table shows the count and lists them on hover */
  labels: z.record(z.string(), z.string()),
  cpuRequestsMilli: z.number(),
  cpuAllocatableMilli: z.number(),
  memoryRequestsBytes: z.number(),
  memoryAllocatableBytes: z.number(),
  pods: z.number(),
  /** null when the node reports no pod capacity */
  podCapacity: z.number().nullable(),
  taints: z.array(taintSchema),
  creationTimestamp: z.string(),
});
export type NodeRow = z.infer<typeof nodeRowSchema>;

/** Largest window a client may hold live (a screen of rows plus overscan is far below it). */
export const MAX_LIVE_WINDOW = 1000;
/** Windows one connection may hold at once. */
export const MAX_WINDOWS_PER_CONNECTION = 16;

const windowId = z.string().min(1).max(64);

/** Subscribes, or moves/changes an existing window of the same id (scrolling sends this again). */
export const windowRequestSchema = z.object({
  id: windowId,
  cluster: clusterNameSchema,
  /** the canonical node query string (lib/protocol/node-query.ts) without offset/limit */
  query: z.string().max(8192),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive().max(Math.min(MAX_LIVE_WINDOW, MAX_WINDOW)),
});
export type WindowRequest = z.infer<typeof windowRequestSchema>;

export const windowClientMessageSchemas = [
  z.object({ type: z.literal('window'), data: windowRequestSchema }),
  z.object({ type: z.literal('window_close'), data: z.object({ id: windowId }) }),
] as const;

/**
 * One step of a window diff, applied in order to the rows the client holds: indices are positions in
 * the window at the time the step applies.
 */
export const windowOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('update'), index: z.number().int().nonnegative(), row: nodeRowSchema }),
  z.object({ op: z.literal('insert'), index: z.number().int().nonnegative(), row: nodeRowSchema }),
  z.object({ op: z.literal('remove'), index: z.number().int().nonnegative() }),
  z.object({
    op: z.literal('move'),
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
  }),
]);
export type WindowOp = z.infer<typeof windowOpSchema>;

const base = { timestamp: z.string(), cluster_name: z.string() };

/** The window's rows and the query's total, as of `seq`; the answer to every `window` request. */
export const windowSnapshotMessageSchema = z.object({
  ...base,
  type: z.literal('window_snapshot'),
  seq: z.number().int().nonnegative(),
  data: z.object({
    id: windowId,
    query: z.string(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().positive(),
    total: z.number().int().nonnegative(),
    rows: z.array(nodeRowSchema),
  }),
});

/**
 * What change `seq` did to the window; `prev_seq` is the seq of the window's previous message, so a
 * client whose last seq differs missed one and asks for the window again.
 */
export const windowDiffMessageSchema = z.object({
  ...base,
  type: z.literal('window_diff'),
  seq: z.number().int().positive(),
  data: z.object({
    id: windowId,
    prev_seq: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    ops: z.array(windowOpSchema),
  }),
});

export const windowClosedMessageSchema = z.object({
  ...base,
  type: z.literal('window_closed'),
  data: z.object({ id: windowId, reason: z.string() }),
});

export const windowServerMessageSchemas = [
  windowSnapshotMessageSchema,
  windowDiffMessageSchema,
  windowClosedMessageSchema,
] as const;
export type WindowSnapshotMessage = z.infer<typeof windowSnapshotMessageSchema>;
export type WindowDiffMessage = z.infer<typeof windowDiffMessageSchema>;

/**
 * `POST /api/v1/sse/windows`: a window request for the caller's own SSE connection
 * (`connection_id` from its `connected` message); `close: true` closes the window `id`.
 * Answers go over that stream.
 */
export const sseWindowBodySchema = windowRequestSchema.extend({
  connection_id: z.string().min(1).max(128),
  close: z.literal(true).optional(),
});
export type SseWindowBody = z.infer<typeof sseWindowBodySchema>;
