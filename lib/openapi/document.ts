import { z } from 'zod';
import { accountOperations } from '@/lib/auth/openapi';
import { batchRequestSchema, cordonParamsSchema, retryBodySchema } from '@/lib/operations/batch';
import { drainOptionsSchema } from '@/lib/nodes/drain-plan';
import { listQuerySchema } from '@/lib/nodes/list-query';
import { labelEditSchema, taintEditSchema } from '@/lib/nodes/node-edits';
import { apiErrorSchema, nodeListResponseSchema } from '@/lib/protocol/api';
import { nodeSummarySchema } from '@/lib/protocol/node-summary';

export interface Op {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  access: 'public' | 'read' | 'write' | 'admin';
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
}

const nodeResponse = z.object({ node: nodeSummarySchema });
const operationResponse = z.object({
  operation: z
    .object({ id: z.string(), state: z.string(), total: z.number(), done: z.number(), failed: z.number() })
    .loose(),
});

/** The REST routes; each one's schemas are the same objects its route handler parses with. */
export const operations: Op[] = [
  ...accountOperations,
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/nodes',
    summary: 'List nodes from the SmartCache',
    access: 'read',
    query: listQuerySchema,
    response: nodeListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/nodes',
    summary: 'List nodes (original path, ?cluster_name=)',
    access: 'read',
    query: listQuerySchema.extend({ cluster_name: z.string() }),
    response: nodeListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/nodes/{node}',
    summary: 'Node detail: summary, object, pods, events, metrics',
    access: 'read',
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/nodes/{node}/labels',
    summary: 'Set and remove labels',
    access: 'write',
    body: labelEditSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/nodes/{node}/taints',
    summary: 'Add, update and remove taints',
    access: 'write',
    body: taintEditSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/nodes/{node}/cordon',
    summary: 'Cordon with an optional reason',
    access: 'write',
    body: cordonParamsSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/nodes/{node}/uncordon',
    summary: 'Uncordon',
    access: 'write',
    response: nodeResponse,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/nodes/{node}/drain',
    summary: 'Drain (PDB-respecting), as a tracked operation',
    access: 'write',
    body: drainOptionsSchema,
    response: operationResponse,
    status: 202,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/operations',
    summary: 'Start a batch operation',
    access: 'write',
    body: batchRequestSchema,
    response: operationResponse,
    status: 202,
  },
  {
    method: 'get',
    path: '/api/v1/operations/{id}',
    summary: 'Operation progress and per-node results',
    access: 'read',
    response: operationResponse,
  },
  {
    method: 'post',
    path: '/api/v1/operations/{id}/cancel',
    summary: 'Cancel an operation',
    access: 'write',
    response: operationResponse,
  },
  {
    method: 'post',
    path: '/api/v1/operations/{id}/retry',
    summary: 'Run the nodes an interrupted, cancelled or failed operation did not finish (on any replica)',
    access: 'write',
    body: retryBodySchema,
    response: operationResponse,
    status: 202,
  },
];

const json = (schema: z.ZodType) => ({
  'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) },
});

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams =
      op.query instanceof z.ZodObject
        ? Object.entries(op.query.shape).map(([name, s]) => ({
            name,
            in: 'query',
            required: !(s as z.ZodType).safeParse(undefined).success,
            schema: { type: 'string' },
          }))
        : [];
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      description: `Requires ${op.access} access.`,
      parameters: [...pathParams, ...queryParams],
      ...(op.body
        ? {
            requestBody: {
              required: op.method !== 'post' || !op.body.safeParse(undefined).success,
              content: json(op.body),
            },
          }
        : {}),
      responses: {
        [String(op.status ?? 200)]: {
          description: 'OK',
          ...(op.response ? { content: json(op.response) } : {}),
        },
        default: { description: 'Error', content: json(apiErrorSchema) },
      },
      security: op.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kube Node Manager API', version: '1' },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' },
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (knm_…)' },
      },
    },
    paths,
  };
}
