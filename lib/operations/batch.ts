import { z } from 'zod';
import { nodeNameSchema } from '@/lib/protocol/names';
import { drainOptionsSchema } from '@/lib/nodes/drain-plan';
import {
  labelEditSchema,
  taintEditSchema,
  validateLabelEdit,
  validateTaintEdit,
  type FieldError,
} from '@/lib/nodes/node-edits';

export const operationKinds = ['labels', 'taints', 'cordon', 'uncordon', 'drain'] as const;
export type OperationKind = (typeof operationKinds)[number];

const nodeName = nodeNameSchema;

/** Which nodes a batch addresses: a list, or a label selector evaluated when it starts. */
export const nodeTargetShape = {
  nodes: z.array(nodeName).min(1).max(10_000).optional(),
  selector: z.string().min(1).max(4096).optional(),
  concurrency: z.number().int().min(1).max(100).default(10),
};
export const exactlyOneTarget: [
  (r: { nodes?: unknown; selector?: unknown }) => boolean,
  { message: string; path: string[] },
] = [
  (r) => (r.nodes === undefined) !== (r.selector === undefined),
  { message: 'give either nodes or selector, not both', path: ['nodes'] },
];

/** The kinds that make nodes unschedulable, so maxUnavailable applies to them only. */
export const unavailabilityKinds: readonly OperationKind[] = ['cordon', 'drain'];

/** How a batch runs beyond concurrency; value rules are checked by batchOptionErrors (422). */
export const batchRulesShape = {
  maxUnavailable: z
    .number()
    .optional()
    .describe(
      'cordon, drain: never more than this many nodes unschedulable at once, counting ones already cordoned',
    ),
  stopAfterFailures: z
    .number()
    .optional()
    .describe('stop starting nodes once this many failed; the rest are marked skipped'),
};

export const batchRequestSchema = z
  .object({
    kind: z.enum(operationKinds),
    params: z.unknown().optional(),
    ...nodeTargetShape,
    ...batchRulesShape,
  })
  .strict()
  .refine(...exactlyOneTarget);
export type BatchRequest = z.infer<typeof batchRequestSchema>;

const MAX_RULE = 10_000;

/** Value rules of maxUnavailable and stopAfterFailures, as field errors (answered 422, nothing started). */
export function batchOptionErrors(
  req: Pick<BatchRequest, 'kind' | 'maxUnavailable' | 'stopAfterFailures'>,
): FieldError[] {
  const errors: FieldError[] = [];
  const whole = (field: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > MAX_RULE))
      errors.push({ field, message: `must be a whole number from 1 to ${MAX_RULE} (got ${v})` });
  };
  whole('maxUnavailable', req.maxUnavailable);
  whole('stopAfterFailures', req.stopAfterFailures);
  if (req.maxUnavailable !== undefined && !unavailabilityKinds.includes(req.kind))
    errors.push({
      field: 'maxUnavailable',
      message: `applies to cordon and drain only; ${req.kind} leaves nodes schedulable`,
    });
  return errors;
}

export const cordonParamsSchema = z.object({ reason: z.string().max(1024).optional() }).strict();

/** Per-kind parameter schemas: the batch and the single-node routes accept the same shapes. */
export const paramsSchemas = {
  labels: labelEditSchema,
  taints: taintEditSchema,
  cordon: cordonParamsSchema,
  uncordon: z.object({}).strict(),
  drain: drainOptionsSchema,
} as const;

export type ParsedBatch =
  | { kind: 'labels'; params: z.infer<typeof labelEditSchema> }
  | { kind: 'taints'; params: z.infer<typeof taintEditSchema> }
  | { kind: 'cordon'; params: z.infer<typeof cordonParamsSchema> }
  | { kind: 'uncordon'; params: Record<string, never> }
  | { kind: 'drain'; params: z.infer<typeof drainOptionsSchema> };

/** Parses `params` for the request's kind; returns zod issues with paths under `params`. */
export function parseBatchParams(
  req: BatchRequest,
): { ok: true; value: ParsedBatch } | { ok: false; issues: z.core.$ZodIssue[] } {
  const schema = paramsSchemas[req.kind];
  const result = schema.safeParse(req.params ?? {});
  if (!result.success) {
    return { ok: false, issues: result.error.issues.map((i) => ({ ...i, path: ['params', ...i.path] })) };
  }
  return { ok: true, value: { kind: req.kind, params: result.data } as ParsedBatch };
}

/**
 * The per-node rules (key syntax, system keys for admins with confirmSystem) checked once before a
 * batch or template starts, so a refused edit answers 422 instead of starting an operation that fails
 * on every node. Field paths are under `params`.
 */
export function batchEditErrors(batch: ParsedBatch, isAdmin: boolean): FieldError[] {
  const errs =
    batch.kind === 'labels'
      ? validateLabelEdit(batch.params, isAdmin)
      : batch.kind === 'taints'
        ? validateTaintEdit(batch.params, isAdmin)
        : [];
  return errs.map((e) => ({ ...e, field: `params.${e.field}` }));
}

/** POST /operations/:id/retry: an empty body retries the unfinished nodes; includeFailed adds the failed ones. */
export const retryBodySchema = z.preprocess(
  (v) => v ?? {},
  z.object({ includeFailed: z.boolean().default(false) }).strict(),
);
