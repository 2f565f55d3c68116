import type { ServerMessage } from '@/lib/protocol/messages';
import { isFinalNodeState, type Operation } from './operation-state';

type ProgressMessage = Extract<ServerMessage, { type: 'operation_progress' }>;

/** Node messages can be long (API errors); progress travels over the control bus, which caps payloads. */
const MAX_NODE_MESSAGE = 1000;

/** The `operation_progress` push message for an operation's current state. */
export function operationProgressMessage(op: Operation, node?: string): ProgressMessage {
  const result = node ? op.results[node] : undefined;
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
      node_result:
        result && isFinalNodeState(result.state)
          ? { ok: result.state === 'succeeded', message: result.message?.slice(0, MAX_NODE_MESSAGE) }
          : undefined,
    },
  };
}

/** Worth pushing: the operation's own state changes and finished nodes (a node starting is only stored). */
export function isProgressWorthPushing(op: Operation, node?: string): boolean {
  if (node === undefined) return true;
  const r = op.results[node];
  return r !== undefined && isFinalNodeState(r.state);
}
