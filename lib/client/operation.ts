import type { ServerMessage } from '@/lib/protocol/messages';
import { operationSchema, operationStartedSchema, type OperationStatus } from '@/lib/protocol/rest';

export { operationSchema, operationStartedSchema, type OperationStatus };

type ProgressMessage = Extract<ServerMessage, { type: 'operation_progress' }>;

export function isFinished(op: Pick<OperationStatus, 'state'>): boolean {
  return op.state !== 'running' && op.state !== 'pending';
}

/** Interrupted (its replica stopped), cancelled or failed: a retry can run the nodes left. */
export function isRetryable(op: Pick<OperationStatus, 'state' | 'results'>): boolean {
  if (!['interrupted', 'cancelled', 'failed', 'stopped'].includes(op.state)) return false;
  return Object.values(op.results).some((r) => r.state !== 'succeeded' && r.state !== 'failed');
}

/**
 * Folds one operation_progress message into the cached status (or starts one). Counters only move forward,
 * so a late message or a slower poll never rewinds the progress bar.
 */
export function applyOperationProgress(
  prev: OperationStatus | undefined,
  msg: ProgressMessage,
): OperationStatus {
  const d = msg.data;
  const base: OperationStatus = prev ?? {
    id: d.operation_id,
    cluster: msg.cluster_name,
    kind: d.kind,
    state: d.state,
    total: d.total,
    done: 0,
    failed: 0,
    results: {},
  };
  const attempt = d.attempt ?? 1;
  const known = base.attempt ?? 1;
  // a message of an earlier run (arriving late) changes nothing
  if (prev && attempt < known) return prev;
  const results = { ...base.results };
  let pods = base.pods;
  if (d.node_name && d.node_result) {
    results[d.node_name] = {
      state: d.node_result.state ?? (d.node_result.ok ? 'succeeded' : 'failed'),
      message: d.node_result.message,
    };
  }
  if (d.node_name && (d.pods || d.node_result)) {
    // a finished node keeps its last pods, so a drain's outcome shows how each pod ended
    pods = { ...pods, [d.node_name]: d.pods ?? pods?.[d.node_name] ?? [] };
  }
  const extra = { reason: d.reason ?? base.reason, waiting: d.waiting, pods };
  // a retry restarts a finished operation: its state and counters replace the old run's
  if (prev && attempt > known)
    return {
      ...base,
      attempt,
      state: d.state,
      total: d.total,
      done: d.done,
      failed: d.failed,
      results,
      reason: d.reason,
      waiting: d.waiting,
      pods: d.pods && d.node_name ? { [d.node_name]: d.pods } : undefined,
    };
  return {
    ...base,
    ...(d.attempt !== undefined ? { attempt } : {}),
    state: isFinished(base) ? base.state : d.state,
    total: Math.max(base.total, d.total),
    done: Math.max(base.done, d.done),
    failed: Math.max(base.failed, d.failed),
    results,
    ...extra,
  };
}
