import { audited } from '@/lib/http/audited';
import { assertClusterAllows } from '@/lib/identity/guards';
import type { ClusterAction } from '@/lib/protocol/identity';
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
  batchOptionErrors,
  batchRequestSchema,
  operationKinds,
  parseBatchParams,
  retryBodySchema,
  type BatchRequest,
  type OperationKind,
  type ParsedBatch,
} from './batch';
import { auditedOperation, auditEachNode } from './batch-audit';
import { executorFor, runRulesFor, startBatch } from './batch-service';
import { previewBatch } from './preview';
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
  assertNoFieldErrors(batchEditErrors(batch, principal.role === 'admin'));
}

function assertNoFieldErrors(errors: ReturnType<typeof batchOptionErrors>): void {
  if (errors.length === 0) return;
  throw new NodeOpError('invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), {
    fields: errors,
  });
}

/** The cluster-side verbs an operation kind needs (asked before starting in impersonate / oidc-token modes). */
const clusterActionsOf = (kind: OperationKind): ClusterAction[] =>
  kind === 'drain' ? ['patch-nodes', 'evict-pods'] : ['patch-nodes'];

const accepted = (operation: Operation) =>
  Response.json({ operation }, { status: 202, headers: { 'Cache-Control': 'no-store' } });

/** A replica that is shutting down starts no new work: the client retries on another one. */
function assertAcceptingWork(ctx: Pick<AppContext, 'shuttingDown'>): void {
  if (ctx.shuttingDown) throw serviceUnavailable('this replica is shutting down; retry on another');
}

/** Parses and checks a batch request: 400 for a malformed one, 422 naming the field for a bad value. */
function checkedBatch(body: BatchRequest, principal: Principal): ParsedBatch {
  assertNoFieldErrors(batchOptionErrors(body));
  const parsed = parseBatchParams(body);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    throw badRequest(`${first?.path.join('.') ?? 'params'}: ${first?.message ?? 'invalid'}`, {
      issues: parsed.issues,
    });
  }
  assertBatchAllowed(parsed.value, principal);
  return parsed.value;
}

/**
 * POST /api/v1/clusters/:cluster/operations: a tracked batch over listed nodes or a label selector,
 * with max unavailable and a failure limit; audited with its real outcome and one row per node.
 */
export const startOperation = apiRoute(
  { auth: 'write', params: clusterParams, body: batchRequestSchema, maxBodyBytes: 512 * 1024 },
  async ({ principal, params, body, ctx, meta }) => {
    assertClusterAccess(principal, params.cluster);
    assertAcceptingWork(ctx);
    const batch = checkedBatch(body, principal);
    const src = { ctx, principal, meta };
    const op = await auditedOperation(
      src,
      {
        action: `batch.${body.kind}`,
        cluster: params.cluster,
        target: body.selector ?? `${body.nodes?.length ?? 0} nodes`,
        parameters: { ...body },
      },
      async () => {
        await assertClusterAllows(ctx.identity, principal, params.cluster, clusterActionsOf(body.kind));
        const nodes = await resolveBatchNodes(ctx, params.cluster, body);
        if (nodes.length === 0)
          throw badRequest(body.selector ? `selector: no node matches ${body.selector}` : 'nodes: empty');
        return startBatch(ctx, {
          cluster: params.cluster,
          batch,
          nodes,
          concurrency: body.concurrency,
          maxUnavailable: body.maxUnavailable,
          stopAfterFailures: body.stopAfterFailures,
          actor: actorOf(principal),
          auditNodes: src,
        });
      },
    );
    return accepted(op);
  },
);

/**
 * POST /api/v1/clusters/:cluster/operations/preview: the dry run of a batch. The same checks as
 * starting it (400/422 naming the field; params only when given), then the nodes it would affect and which are already
 * unschedulable; nothing is changed or audited.
 */
export const previewOperation = apiRoute(
  { auth: 'write', params: clusterParams, body: batchRequestSchema, maxBodyBytes: 512 * 1024 },
  async ({ principal, params, body, ctx }) => {
    assertClusterAccess(principal, params.cluster);
    // params are optional here: a preview may come before the edit is typed
    if (body.params === undefined) assertNoFieldErrors(batchOptionErrors(body));
    else checkedBatch(body, principal);
    return { preview: await previewBatch(ctx, params.cluster, body) };
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
    const op = await auditedOperation(
      { ctx, principal, meta },
      { action: 'node.drain', cluster: params.cluster, target: params.node, parameters: { ...body } },
      async () => {
        await getNodeSummary(ctx, params.cluster, params.node);
        // a drain runs in the background: ask the cluster first, so a refusal is this request's 403
        await assertClusterAllows(ctx.identity, principal, params.cluster, clusterActionsOf('drain'));
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
    const src = { ctx, principal, meta };
    const started = await auditedOperation(
      src,
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
        // a retry keeps the batch's rules, and audits the nodes it runs like the first run did
        const perNode = op.total > 1 ? auditEachNode(src, op.cluster, op.kind, op.params, exec) : exec;
        const rules = runRulesFor(ctx, op.cluster, op.kind, op.maxUnavailable);
        return ctx.operations.resume(plan.next, plan.nodes, perNode, rules);
      },
    );
    return accepted(started);
  },
);
