import { z } from 'zod';
import { clusterNameSchema } from './names';
import { changeKindSchema, nodeSummarySchema } from './node-summary';
import { windowClientMessageSchemas, windowServerMessageSchemas } from './window';

/**
 * One module of zod schemas for every pushed message: the WebSocket hub, the SSE stream
 * and the browser all parse and build messages through these, so they cannot drift apart.
 */
const base = {
  cluster_name: z.string().optional(),
  timestamp: z.string(),
};

export const nodeEventTypes = ['node_add', 'node_update', 'node_delete'] as const;
export const nodeEventTypeSchema = z.enum(nodeEventTypes);
export type NodeEventType = z.infer<typeof nodeEventTypeSchema>;

export const nodeEventMessageSchema = z.object({
  ...base,
  type: nodeEventTypeSchema,
  cluster_name: z.string(),
  node_name: z.string(),
  seq: z.number().int().positive(),
  resource_version: z.string(),
  changes: z.array(changeKindSchema),
  data: nodeSummarySchema,
});

export const connectedMessageSchema = z.object({
  ...base,
  type: z.literal('connected'),
  data: z.object({
    connection_id: z.string(),
    user: z.string(),
    clusters: z.record(z.string(), z.object({ seq: z.number().int().nonnegative() })),
  }),
});

export const subscribedMessageSchema = z.object({
  ...base,
  type: z.literal('subscribed'),
  cluster_name: z.string(),
  seq: z.number().int().nonnegative(),
  data: z.object({ replayed: z.number().int().nonnegative() }),
});

export const unsubscribedMessageSchema = z.object({
  ...base,
  type: z.literal('unsubscribed'),
  cluster_name: z.string(),
});

export const resyncMessageSchema = z.object({
  ...base,
  type: z.literal('resync'),
  cluster_name: z.string(),
  seq: z.number().int().nonnegative(),
  data: z.object({ reason: z.string() }),
});

export const pingMessageSchema = z.object({ ...base, type: z.literal('ping') });

/** Answer to a client's application-level `ping` (added for the push hub; compatible extension). */
export const pongMessageSchema = z.object({ ...base, type: z.literal('pong') });

export const errorMessageSchema = z.object({
  ...base,
  type: z.literal('error'),
  data: z.object({ code: z.string(), message: z.string() }),
});

/**
 * States of a batch operation and of each of its nodes. `interrupted`: the replica running it stopped
 * (SIGTERM hand-over, or its lease expired); finished results are kept and a retry runs the rest.
 * `stopped` (operation): it met its stopAfterFailures limit; `skipped` (node): not started because of
 * that stop. A retry runs skipped nodes like unfinished ones.
 */
export const operationStateSchema = z.enum([
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
  'stopped',
  'skipped',
]);

/** Where one pod of a draining node stands; `waiting_pdb` names the budget that refuses its eviction. */
export const drainPodStateSchema = z.enum(['evicting', 'waiting_pdb', 'terminating', 'gone', 'failed']);

export const drainPodProgressSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  state: drainPodStateSchema,
  /** the PodDisruptionBudget refusing the eviction, with its allowed disruptions when known */
  pdb: z.object({ name: z.string(), disruptionsAllowed: z.number().int().optional() }).optional(),
  message: z.string().optional(),
});
export type DrainPodProgress = z.infer<typeof drainPodProgressSchema>;

export const operationProgressMessageSchema = z.object({
  ...base,
  type: z.literal('operation_progress'),
  cluster_name: z.string(),
  data: z.object({
    operation_id: z.string(),
    kind: z.string(),
    state: operationStateSchema,
    /** 1 for the first run, +1 per retry: a higher attempt restarts a finished operation's progress */
    attempt: z.number().int().positive().optional(),
    total: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    node_name: z.string().optional(),
    node_result: z
      .object({
        ok: z.boolean(),
        message: z.string().optional(),
        /** the node's final state when it is neither succeeded nor failed (skipped, cancelled) */
        state: operationStateSchema.optional(),
      })
      .optional(),
    /** why a stopped operation stopped, or what a running one waits for (max unavailable) */
    reason: z.string().optional(),
    waiting: z.string().optional(),
    /** a draining node's pods as they stand now (the whole list for `node_name`, at most 200) */
    pods: z.array(drainPodProgressSchema).max(200).optional(),
  }),
});

/**
 * A cluster's sync status and node counts, sent to every connection whose user may read the cluster
 * (subscribed or not), when the status changes and at most twice a second while its nodes change: the
 * cluster tabs stay current without polling.
 */
export const clusterStatusMessageSchema = z.object({
  ...base,
  type: z.literal('cluster_status'),
  cluster_name: z.string(),
  data: z.object({
    status: z.enum(['syncing', 'ready', 'degraded', 'stopped']),
    error: z.string().optional(),
    nodes: z.number().int().nonnegative(),
    ready: z.number().int().nonnegative(),
  }),
});
export type ClusterStatusMessage = z.infer<typeof clusterStatusMessageSchema>;

export const testMessageSchema = z.object({
  ...base,
  type: z.literal('test'),
  cluster_name: z.string(),
  data: z.object({ message: z.string() }),
});

export const shutdownMessageSchema = z.object({ ...base, type: z.literal('shutdown') });

export const serverMessageSchema = z.discriminatedUnion('type', [
  nodeEventMessageSchema,
  connectedMessageSchema,
  subscribedMessageSchema,
  unsubscribedMessageSchema,
  resyncMessageSchema,
  pingMessageSchema,
  pongMessageSchema,
  errorMessageSchema,
  operationProgressMessageSchema,
  clusterStatusMessageSchema,
  testMessageSchema,
  shutdownMessageSchema,
  ...windowServerMessageSchemas,
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];

/** Every server message type, read off the union above so a new message is named here at once. */
export const serverMessageTypes: readonly ServerMessageType[] = serverMessageSchema.options.flatMap(
  (o) => ('options' in o.shape.type ? o.shape.type.options : [o.shape.type.value]) as ServerMessageType[],
);

/** The SSE endpoint sends each message as `event: <type>`; `message` is an event without a name. */
export const sseEventNames: readonly string[] = [...serverMessageTypes, 'message'];
export type NodeEventMessage = z.infer<typeof nodeEventMessageSchema>;

const clusterName = clusterNameSchema;

/**
 * `data` of subscribe/unsubscribe: `{cluster, since?}`, or the cluster name as a plain string, the
 * form the original design's `NodeWebSocket` sends (`{"type":"subscribe","data":"prod"}`).
 * Both parse to the object form.
 */
const byName = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? { cluster: v } : v), schema);
const subscribeData = byName(
  z.object({ cluster: clusterName, since: z.number().int().nonnegative().optional() }),
);
const unsubscribeData = byName(z.object({ cluster: clusterName }));

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    data: subscribeData,
  }),
  z.object({ type: z.literal('unsubscribe'), data: unsubscribeData }),
  z.object({ type: z.literal('pong'), timestamp: z.string().optional() }),
  z.object({ type: z.literal('ping'), timestamp: z.string().optional() }),
  ...windowClientMessageSchemas,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
