import { audited } from '@/lib/http/audited';
import { apiRoute, assertClusterAccess, badRequest, notFound } from '@/lib/http/handler';
import { getNodeSummary, resolveBatchNodes } from '@/lib/nodes/node-api';
import { actorOf, bodyFor } from '@/lib/nodes/node-routes';
import { clusterParams, nodeParams, operationParams } from '@/lib/nodes/route-schemas';
import type { Principal } from '@/lib/auth/types';
import { NodeOpError } from '@/lib/nodes/errors';
import { batchEditErrors, batchRequestSchema, parseBatchParams, type ParsedBatch } from './batch';
import { startBatch } from './batch-service';
import type { Operation } from './operation-runner';

/** 422 before anything starts when the edit breaks a per-node rule for this caller (system keys). */
export function assertBatchAllowed(batch: ParsedBatch, principal: Principal): void {
  const errors = batchEditErrors(batch, principal.role === 'admin');
  if (errors.length === 0) return;
  throw new NodeOpError('invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    fields: errors,
  });
}

const accepted = (operation: Operation) =>
  Response.json({ operation }, { status: 202, headers: { 'Cache-Control': 'no-store' } });

/** POST /api/v1/clusters/:cluster/operations: a tracked batch over listed nodes or a label selector. */
export const startOperation = apiRoute(
  { auth: 'write', params: clusterParams, body: batchRequestSchema, maxBodyBytes: 512 * 1024 },
  async ({ principal, params, body, ctx, meta }) => {
    assertClusterAccess(principal, params.cluster);
    const parsed = parseBatchParams(body);
    if (!parsed.ok) {
      const first = parsed.issues[0];
      throw badRequest(`${first?.path.join('.') ?? 'params'}: ${first?.message ?? 'invalid'}`, {
        issues: parsed.issues,
      });
    }
    assertBatchAllowed(parsed.value, principal);
    const op = await audited(
      { ctx, principal, meta },
      {
        action: `batch.${body.kind}`,
        cluster: params.cluster,
        target: body.selector ?? `${body.nodes?.length ?? 0} nodes`,
        parameters: { ...body },
      },
      async () => {
        const nodes = await resolveBatchNodes(ctx, params.cluster, body);
        if (nodes.length === 0)
          throw badRequest(body.selector ? `selector: no node matches ${body.selector}` : 'nodes: empty');
        return startBatch(ctx, {
          cluster: params.cluster,
          batch: parsed.value,
          nodes,
          concurrency: body.concurrency,
          actor: actorOf(principal),
        });
      },
    );
    return accepted(op);
  },
);

/** POST .../nodes/:node/drain: a drain is long-running, so it is an operation of one node. */
export const drainOne = apiRoute(
  {
    auth: 'write',
    params: nodeParams,
    body: bodyFor('drain'),
    maxBodyBytes: 64 * 1024,
  },
  async ({ principal, params, body, ctx, meta }) => {
    assertClusterAccess(principal, params.cluster);
    const op = await audited(
      { ctx, principal, meta },
      { action: 'node.drain', cluster: params.cluster, target: params.node, parameters: { ...body } },
      async () => {
        await getNodeSummary(ctx, params.cluster, params.node);
        return startBatch(ctx, {
          cluster: params.cluster,
          batch: { kind: 'drain', params: body },
          nodes: [params.node],
          concurrency: 1,
          actor: actorOf(principal),
        });
      },
    );
    return accepted(op);
  },
);

/** Any replica answers: this one's runner if it runs the operation, else the stored state. */
export const getOperation = apiRoute(
  { auth: 'read', params: operationParams },
  async ({ principal, params, ctx }) => {
    const op = ctx.operations.get(params.id) ?? (await ctx.operationStore.get(params.id));
    if (!op) throw notFound(`operation ${params.id}`);
    assertClusterAccess(principal, op.cluster);
    return { operation: op };
  },
);

/** Cancels here when this replica runs it; otherwise flags it for the replica that does (within a second). */
export const cancelOperation = apiRoute(
  { auth: 'write', params: operationParams },
  async ({ principal, params, ctx, meta }) => {
    const local = ctx.operations.get(params.id);
    const op = local ?? (await ctx.operationStore.get(params.id));
    if (!op) throw notFound(`operation ${params.id}`);
    assertClusterAccess(principal, op.cluster);
    await audited(
      { ctx, principal, meta },
      { action: 'operation.cancel', cluster: op.cluster, target: op.id },
      async () => {
        if (local) ctx.operations.cancel(op.id);
        else await ctx.operationStore.requestCancel(op.id);
      },
    );
    return Response.json(
      { operation: op },
      { status: local ? 200 : 202, headers: { 'Cache-Control': 'no-store' } },
    );
  },
);
