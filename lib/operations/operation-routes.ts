import { audited } from '@/lib/http/audited';
import { apiRoute, assertClusterAccess, badRequest, notFound } from '@/lib/http/handler';
import { conflict, serviceUnavailable } from '@/lib/http/errors';
import { getNodeSummary, resolveBatchNodes } from '@/lib/nodes/node-api';
import { actorOf, bodyFor } from '@/lib/nodes/node-routes';
import { clusterParams, nodeParams, operationParams } from '@/lib/protocol/route-params';
import type { Principal } from '@/lib/auth/types';
import { NodeOpError } from '@/lib/nodes/errors';
import type { AppContext } from '@/lib/server/app-context';
import {
  batchEditErrors,
  batchRequestSchema,
  operationKinds,
  parseBatchParams,
  retryBodySchema,
  type OperationKind,
  type ParsedBatch,
} from './batch';
import { executorFor, startBatch } from './batch-service';
import type { Operation } from './operation-runner';
import { retryPlan } from './operation-state';

/**
 * The operation as it stands: this replica's runner when it runs it now, else the table (another
 * replica may have retried what finished here), else what this runner last had.
 */
async function currentOperation(ctx: Pick<AppContext, 'operations' | 'operationStore'>, id: string) {
  const local = ctx.operations.get(id);
  if (local?.state === 'running') return { op: local, runningHere: true };
  const stored = await ctx.operationStore.get(id);
  return { op: stored ?? local, runningHere: false };
}

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

/** A replica that is shutting down starts no new work: the client retries on another one. */
function assertAcceptingWork(ctx: Pick<AppContext, 'shuttingDown'>): void {
  if (ctx.shuttingDown) throw serviceUnavailable('this replica is shutting down; retry on another');
}

/** POST /api/v1/clusters/:cluster/operations: a tracked batch over listed nodes or a label selector. */
export const startOperation = apiRoute(
  { auth: 'write', params: clusterParams, body: batchRequestSchema, maxBodyBytes: 512 * 1024 },
  async ({ principal, params, body, ctx, meta }) => {
    assertClusterAccess(principal, params.cluster);
    assertAcceptingWork(ctx);
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
    assertAcceptingWork(ctx);
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
    const { op } = await currentOperation(ctx, params.id);
    if (!op) throw notFound(`operation ${params.id}`);
    assertClusterAccess(principal, op.cluster);
    return { operation: op };
  },
);

/**
 * Cancels here when this replica runs it; otherwise flags it in the table and tells the replica that
 * runs it over the control bus (the flag is re-read every second in case the message is missed).
 */
export const cancelOperation = apiRoute(
  { auth: 'write', params: operationParams },
  async ({ principal, params, ctx, meta }) => {
    const { op, runningHere: local } = await currentOperation(ctx, params.id);
    if (!op) throw notFound(`operation ${params.id}`);
    assertClusterAccess(principal, op.cluster);
    await audited(
      { ctx, principal, meta },
      { action: 'operation.cancel', cluster: op.cluster, target: op.id },
      async () => {
        if (local) ctx.operations.cancel(op.id);
        else if (await ctx.operationStore.requestCancel(op.id))
          await ctx.bus.publish({ type: 'operation.cancel', id: op.id });
      },
    );
    return Response.json(
      { operation: op },
      { status: local ? 200 : 202, headers: { 'Cache-Control': 'no-store' } },
    );
  },
);

/**
 * POST /api/v1/operations/:id/retry: any replica takes over an interrupted (or cancelled, or failed)
 * operation and runs only the nodes that did not finish; finished results are kept, so the one
 * operation ends up reporting every node. Claiming is a compare-and-set on the operation's attempt,
 * so of two retries sent to two replicas at once exactly one runs (the other answers 409).
 */
export const retryOperation = apiRoute(
  { auth: 'write', params: operationParams, body: retryBodySchema, maxBodyBytes: 4 * 1024 },
  async ({ principal, params, body, ctx, meta }) => {
    const { op } = await currentOperation(ctx, params.id);
    if (!op) throw notFound(`operation ${params.id}`);
    assertClusterAccess(principal, op.cluster);
    assertAcceptingWork(ctx);
    const plan = retryPlan(op, body);
    if (!plan.ok) throw conflict(plan.message);
    if (!(operationKinds as readonly string[]).includes(op.kind)) throw conflict(`unknown kind ${op.kind}`);
    const parsed = parseBatchParams({ kind: op.kind as OperationKind, params: op.params, concurrency: 1 });
    if (!parsed.ok) throw conflict("the operation's stored parameters are no longer valid; start a new one");
    if (!ctx.manager.hasCluster(op.cluster)) throw conflict(`cluster '${op.cluster}' is not available`);
    const started = await audited(
      { ctx, principal, meta },
      {
        action: 'operation.retry',
        cluster: op.cluster,
        target: op.id,
        parameters: { attempt: plan.next.attempt, nodes: plan.nodes.length, ...body },
      },
      async () => {
        if (!(await ctx.operationStore.claim(plan.next, op.attempt ?? 1)))
          throw conflict(`operation ${op.id} was retried or resumed meanwhile`);
        const exec = executorFor(ctx, op.cluster, parsed.value, actorOf(principal));
        return ctx.operations.resume(plan.next, plan.nodes, exec);
      },
    );
    return accepted(started);
  },
);
