import { refusalOutcome } from '@/lib/http/audited';
import type { Principal } from '@/lib/auth/types';
import type { AuditOutcome } from '@/lib/audit/audit-log';
import type { AppContext } from '@/lib/server/app-context';
import type { NodeExecutor } from './operation-runner';
import { countResults, type Operation } from './operation-state';

/** Who acts, from where: what every audit row of a batch carries. */
export interface BatchAuditSource {
  ctx: Pick<AppContext, 'audit' | 'operations'>;
  principal: Principal;
  meta: { ip: string; userAgent: string | null };
}

const plural = (n: number, word: string) => `${n} ${word}`;

/**
 * The audit outcome of a finished operation and its one-line summary: counts per node state, the
 * reason it ended early, and the first failure. Pure.
 */
export function operationOutcome(op: Operation): { result: AuditOutcome; summary: string | null } {
  const counts = countResults(op);
  const succeeded = counts.succeeded ?? 0;
  const parts = [
    plural(succeeded, 'succeeded'),
    counts.failed && plural(counts.failed, 'failed'),
    counts.skipped && plural(counts.skipped, 'skipped'),
    counts.cancelled && plural(counts.cancelled, 'cancelled'),
    (counts.interrupted ?? 0) + (counts.pending ?? 0) + (counts.running ?? 0) &&
      plural((counts.interrupted ?? 0) + (counts.pending ?? 0) + (counts.running ?? 0), 'unfinished'),
  ].filter(Boolean);
  const firstFailure = Object.entries(op.results).find(([, r]) => r.state === 'failed');
  const summary =
    `${parts.join(', ')} of ${op.total} node${op.total === 1 ? '' : 's'}` +
    (op.reason ? `; ${op.reason}` : '') +
    (firstFailure ? `; first failure ${firstFailure[0]}: ${firstFailure[1].message ?? 'failed'}` : '');
  switch (op.state) {
    case 'succeeded':
      return { result: 'success', summary: null };
    case 'failed':
      return { result: succeeded > 0 ? 'partial' : 'failure', summary };
    case 'stopped':
    case 'cancelled':
    case 'interrupted':
      return { result: op.state, summary };
    default:
      return { result: 'failure', summary };
  }
}

/**
 * Starts an operation audited with its real outcome: the intent row is written first (no row, no
 * operation: 503), a refusal to start completes it as a failure, and once the operation ends its row
 * gets the outcome (success, partial, failure, stopped, cancelled, interrupted) and the summary.
 */
export async function auditedOperation(
  src: BatchAuditSource,
  entry: { action: string; cluster: string; target: string; parameters?: Record<string, unknown> },
  start: () => Promise<Operation>,
): Promise<Operation> {
  const { audit, operations } = src.ctx;
  const id = await audit.begin({
    ...entry,
    user: { id: src.principal.userId, username: src.principal.username },
    ip: src.meta.ip,
    userAgent: src.meta.userAgent,
  });
  let op: Operation;
  try {
    op = await start();
  } catch (err) {
    await audit.complete(id, refusalOutcome(err), err instanceof Error ? err.message : String(err));
    throw err;
  }
  // saved with the operation: if its replica dies, the one that reaps it completes this row
  op.auditId = id;
  const finished = operations.wait(op.id) ?? Promise.resolve(op);
  void finished.then((done) => {
    const { result, summary } = operationOutcome(done);
    return audit.complete(id, result, summary);
  });
  return op;
}

/** The audit row of an operation reaped after its replica died: completed as interrupted. */
export function completeReapedAudit(audit: AppContext['audit'], op: Operation): Promise<void> | undefined {
  if (op.auditId === undefined) return undefined;
  return audit.complete(op.auditId, 'interrupted', operationOutcome(op).summary);
}

/**
 * One audit row per node of a batch (`node.<kind>`, the operation's id among its parameters),
 * written before the node is touched: a node whose row cannot be written is not touched and fails.
 */
export function auditEachNode(
  src: BatchAuditSource,
  cluster: string,
  kind: string,
  params: unknown,
  exec: NodeExecutor,
): NodeExecutor {
  const { audit } = src.ctx;
  return async (node, signal, run) => {
    const id = await audit.begin({
      action: `node.${kind}`,
      cluster,
      target: node,
      parameters: { operation: run.operationId, ...(params as Record<string, unknown>) },
      user: { id: src.principal.userId, username: src.principal.username },
      ip: src.meta.ip,
      userAgent: src.meta.userAgent,
    });
    try {
      const r = await exec(node, signal, run);
      await audit.complete(id, r.ok ? 'success' : 'failure', r.ok ? null : (r.message ?? 'failed'));
      return r;
    } catch (err) {
      await audit.complete(id, signal.aborted ? 'cancelled' : 'failure', errorText(err));
      throw err;
    }
  };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
