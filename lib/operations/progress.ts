import type { ServerMessage } from '@/lib/protocol/messages';
import { isFinalNodeState, type Operation } from './operation-state';

type ProgressMessage = Extract<ServerMessage, { type: 'operation_progress' }>;

/** Node messages can be long (API errors); progress travels over the control bus, which caps payloads. */
const MAX_NODE_MESSAGE = 1000;
/** pods share the bus envelope's ~7.9 kB with the rest; pods still in progress go first */
const PODS_BUDGET_BYTES = 5000;

function podsWithinBudget(pods: NonNullable<Operation['pods']>[string]) {
  const order = [...pods].sort((a, b) => Number(a.state === 'gone') - Number(b.state === 'gone'));
  const out: typeof pods = [];
  let bytes = 0;
  for (const p of order) {
    const item = { ...p, ...(p.message ? { message: p.message.slice(0, 200) } : {}) };
    bytes += JSON.stringify(item).length + 1;
    if (bytes > PODS_BUDGET_BYTES || out.length >= 200) break;
    out.push(item);
  }
  return out;
}

/** The `operation_progress` push message for an operation's current state. */
export function operationProgressMessage(op: Operation, node?: string): ProgressMessage {
  const result = node ? op.results[node] : undefined;
  const pods = node ? op.pods?.[node] : undefined;
  const finalState = result && isFinalNodeState(result.state) ? result.state : undefined;
  return {
    type: 'operation_progress',
    cluster_name: op.cluster,
    timestamp: new Date().toISOString(),
    data: {
      operation_id: op.id,
      kind: op.kind,
      state: op.state,
      attempt: op.attempt,
      total: op.total,
      done: op.done,
      failed: op.failed,
      node_name: node,
      node_result: finalState
        ? {
            ok: finalState === 'succeeded',
            message: result?.message?.slice(0, MAX_NODE_MESSAGE),
            ...(finalState === 'cancelled' || finalState === 'skipped' ? { state: finalState } : {}),
          }
        : undefined,
      ...(op.reason ? { reason: op.reason.slice(0, MAX_NODE_MESSAGE) } : {}),
      ...(op.waiting ? { waiting: op.waiting } : {}),
      ...(pods && !finalState ? { pods: podsWithinBudget(pods) } : {}),
    },
  };
}

/**
 * Worth pushing: the operation's own state changes (and what it waits for), finished nodes, and a
 * draining node's pods. A node merely starting is only stored.
 */
export function isProgressWorthPushing(op: Operation, node?: string): boolean {
  if (node === undefined) return true;
  const r = op.results[node];
  if (r === undefined) return false;
  return isFinalNodeState(r.state) || (r.state === 'running' && op.pods?.[node] !== undefined);
}
