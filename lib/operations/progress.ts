import type { ServerMessage } from '@/lib/protocol/messages';
import type { Operation } from './operation-runner';

/** The `operation_progress` push message for an operation's current state. */
export function operationProgressMessage(op: Operation, node?: string): ServerMessage {
  const result = node ? op.results[node] : undefined;
  return {
    type: 'operation_progress',
    cluster_name: op.cluster,
    timestamp: new Date().toISOString(),
    data: {
      operation_id: op.id,
      kind: op.kind,
      state: op.state,
      total: op.total,
      done: op.done,
      failed: op.failed,
      node_name: node,
      node_result:
        result && (result.state === 'succeeded' || result.state === 'failed' || result.state === 'cancelled')
          ? { ok: result.state === 'succeeded', message: result.message }
          : undefined,
    },
  };
}
