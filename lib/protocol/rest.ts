import { z } from 'zod';
import { cordonInfoSchema } from './cordon-annotations';
import { clusterInfoSchema } from './api';
import { auditResultSchema } from './audit';
import { drainPodProgressSchema, operationStateSchema } from './messages';
import { authViaSchema, roleSchema, tokenScopeSchema } from './names';
import { nodeSummarySchema } from './node-summary';

/**
 * Response bodies of the REST API as the browser parses them (the node list and cluster info are in
 * api.ts). Lenient where the UI renders whatever is there.
 */

/** `GET /api/v1/me` */
export const meSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  via: authViaSchema,
  scope: tokenScopeSchema,
  clusters: z.union([z.literal('all'), z.array(z.string())]),
  source: z.string().optional(),
  expiresAt: z.number().optional(),
});
export type Me = z.infer<typeof meSchema>;

/** One API token (`GET /api/v1/tokens` items); `POST` answers it with the secret once. */
export const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scope: tokenScopeSchema,
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
});
export type ApiToken = z.infer<typeof tokenSchema>;
export const createdTokenSchema = tokenSchema.extend({ token: z.string() });
export const tokensResponseSchema = z.object({ items: z.array(tokenSchema) });

/** `GET /api/v1/users` items */
export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  source: z.string(),
  disabled: z.boolean(),
  clusters: z.array(z.string()),
  createdAt: z.number(),
});
export type User = z.infer<typeof userSchema>;
export const usersResponseSchema = z.object({ items: z.array(userSchema) });

/** `GET /api/v1/audit` */
export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.number(),
  username: z.string().nullable(),
  cluster: z.string().nullable(),
  target: z.string().nullable(),
  action: z.string(),
  parameters: z.record(z.string(), z.unknown()).nullable(),
  /** pending: the intent was recorded and the outcome not (yet); operations: their real outcome */
  result: auditResultSchema,
  error: z.string().nullable(),
  ip: z.string().nullable().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.number().nullable(),
});

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
  /** who cordoned it, why and when; null while schedulable */
  cordon: cordonInfoSchema.nullable().optional(),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** A batch operation as `GET /api/v1/operations/:id` returns it; progress messages patch it live. */
export const operationSchema = z.object({
  id: z.string(),
  cluster: z.string(),
  kind: z.string(),
  state: operationStateSchema,
  /** 1 for the first run, +1 per retry */
  attempt: z.number().optional(),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  results: z.record(z.string(), z.object({ state: z.string(), message: z.string().optional() })).default({}),
  user: z.string().optional(),
  createdAt: z.string().optional(),
  finishedAt: z.string().optional(),
  maxUnavailable: z.number().optional(),
  stopAfterFailures: z.number().optional(),
  /** why it stopped early; what it waits for while running */
  reason: z.string().optional(),
  waiting: z.string().optional(),
  /** pods of the nodes being drained now */
  pods: z.record(z.string(), z.array(drainPodProgressSchema)).optional(),
});
export type OperationStatus = z.infer<typeof operationSchema>;

/** Starting a batch (or a single-node drain) answers 202 `{ operation }`; a bare `{ id }` is accepted too. */
export const operationStartedSchema = z.union([
  z.object({ operation: operationSchema }).transform((r): { id: string; operation?: OperationStatus } => ({
    id: r.operation.id,
    operation: r.operation,
  })),
  z.object({ id: z.string() }).transform((r): { id: string; operation?: OperationStatus } => ({ id: r.id })),
]);

/** Starting, retrying or cancelling an operation answers `{ operation }`. */
export const operationEnvelopeSchema = z.object({ operation: operationSchema });

// accept the operation bare or wrapped as { operation }
export const operationResponse = z.union([
  operationSchema,
  z.object({ operation: operationSchema }).transform((r) => r.operation),
]);

export const clustersResponse = z.object({ items: z.array(clusterInfoSchema) });

/** A kubeconfig's connection test (`POST /api/v1/clusters?dryRun=true`, and beside a created cluster). */
const connectionTestSchema = z.object({
  version: z.string(),
  nodesListed: z.number(),
  latencyMs: z.number(),
});
export const clusterDryRunSchema = z.looseObject({ ok: z.boolean() }).and(connectionTestSchema.partial());
export const clusterAddedSchema = z.looseObject({ name: z.string(), test: connectionTestSchema.optional() });

/** Label, taint and cordon writes answer the node as the cache saw it after the write. */
export const nodeResponse = z.object({ node: nodeSummarySchema });
