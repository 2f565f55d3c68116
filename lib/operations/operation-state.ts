import type { z } from 'zod';
import type { DrainPodProgress, operationStateSchema } from '@/lib/protocol/messages';

/** Operation shapes and the pure rules for counting, interrupting and retrying them. No I/O. */

export type OperationState = z.infer<typeof operationStateSchema>;
/**
 * `interrupted`: the node was in flight when its replica stopped (or lost its lease); whether the
 * action finished on the cluster is unknown, so a retry runs it again (every action is idempotent).
 */
export type NodeResultState = OperationState;

export interface NodeResult {
  state: NodeResultState;
  message?: string;
}

export interface Operation {
  id: string;
  cluster: string;
  kind: string;
  user: string;
  params: unknown;
  concurrency: number;
  state: OperationState;
  total: number;
  /** nodes with a final result (succeeded, failed, cancelled or skipped) */
  done: number;
  failed: number;
  results: Record<string, NodeResult>;
  /** 1 for the first run; each retry increments it (and fences out writes of the previous run) */
  attempt?: number;
  createdAt: string;
  finishedAt?: string;
  /** X-Request-Id of the request that started it (its log lines carry the same id) */
  requestId?: string;
  /** never more than this many nodes of the cluster unschedulable at once (cordon and drain) */
  maxUnavailable?: number;
  /** the run stops starting nodes once this many of its nodes failed; the rest are skipped */
  stopAfterFailures?: number;
  /** why the operation stopped early (stopped, cancelled, interrupted) */
  reason?: string;
  /** while running: what it waits for before it may start the next node */
  waiting?: string;
  /** the audit row of the run now (or last), completed with its outcome when it ends, also if reaped */
  auditId?: number;
  /** per-pod progress of nodes being drained now (dropped once the node has finished) */
  pods?: Record<string, DrainPodProgress[]>;
}

const FINAL_NODE_STATES: ReadonlySet<NodeResultState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
]);

export function isFinalNodeState(state: NodeResultState): boolean {
  return FINAL_NODE_STATES.has(state);
}

/** Marks every node that never started (counted as done); returns how many. */
export function settlePending(op: Operation, state: 'cancelled' | 'skipped', message?: string): number {
  let n = 0;
  for (const [node, r] of Object.entries(op.results)) {
    if (r.state !== 'pending') continue;
    op.results[node] = message ? { state, message } : { state };
    n++;
  }
  op.done += n;
  return n;
}

/** How many nodes are in each state. */
export function countResults(op: Operation): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of Object.values(op.results)) counts[r.state] = (counts[r.state] ?? 0) + 1;
  return counts;
}

/** done and failed, recomputed from the per-node results. */
export function recount(op: Operation): Operation {
  let done = 0;
  let failed = 0;
  for (const r of Object.values(op.results)) {
    if (isFinalNodeState(r.state)) done++;
    if (r.state === 'failed') failed++;
  }
  return { ...op, done, failed };
}

/**
 * The operation as handed over by a replica that stopped running it: nodes in flight become
 * `interrupted`, pending ones stay pending, every finished result is kept.
 */
export function markInterrupted(op: Operation, message: string, at: Date): Operation {
  const results: Record<string, NodeResult> = {};
  for (const [node, r] of Object.entries(op.results))
    results[node] = r.state === 'running' ? { state: 'interrupted', message } : r;
  return recount({
    ...op,
    state: 'interrupted',
    reason: message,
    waiting: undefined,
    pods: undefined,
    results,
    finishedAt: at.toISOString(),
  });
}

export type RetryPlan =
  | { ok: true; nodes: string[]; next: Operation }
  | { ok: false; reason: 'running' | 'nothing_to_retry'; message: string };

/**
 * What a retry runs: every node that did not finish (pending, interrupted, cancelled, skipped) and, when asked,
 * the failed ones. Succeeded nodes are never run again and keep their results; `next` is the
 * operation as the new attempt starts it.
 */
export function retryPlan(op: Operation, opts: { includeFailed?: boolean } = {}): RetryPlan {
  if (op.state === 'running' || op.state === 'pending')
    return { ok: false, reason: 'running', message: `operation ${op.id} is still running` };
  const nodes = Object.entries(op.results)
    .filter(([, r]) => r.state !== 'succeeded' && (opts.includeFailed || r.state !== 'failed'))
    .map(([node]) => node);
  if (nodes.length === 0) {
    return {
      ok: false,
      reason: 'nothing_to_retry',
      message: `operation ${op.id} has no unfinished nodes${opts.includeFailed ? '' : ' (includeFailed retries failed ones)'}`,
    };
  }
  const results = { ...op.results };
  for (const node of nodes) results[node] = { state: 'pending' };
  const next = recount({
    ...op,
    reason: undefined,
    waiting: undefined,
    pods: undefined,
    state: 'running',
    attempt: (op.attempt ?? 1) + 1,
    results,
    finishedAt: undefined,
  });
  delete next.finishedAt;
  delete next.reason;
  delete next.waiting;
  delete next.pods;
  return { ok: true, nodes, next };
}
