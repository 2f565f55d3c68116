import type { AuditEntryInput } from '@/lib/audit/audit-log';
import type { Principal } from '@/lib/auth/types';
import type { AppContext } from '@/lib/server/app-context';

type AuditTarget = Pick<AuditEntryInput, 'action' | 'cluster' | 'target' | 'parameters'>;

interface AuditSource {
  ctx: Pick<AppContext, 'audit'>;
  principal: Principal | null;
  meta: { ip: string; userAgent: string | null };
}

/** A refusal by the cluster's own RBAC is told apart from a failure (see lib/identity/cluster-denial.ts). */
export function refusalOutcome(err: unknown): 'denied' | 'failure' {
  return (err as { code?: unknown } | null)?.code === 'cluster_denied' ? 'denied' : 'failure';
}

/**
 * Runs a mutation audited intent-then-outcome: the intent is recorded first (if the audit log
 * cannot be written, nothing is done and the caller gets 503 audit_unavailable), then the
 * outcome, success or failure with the error message (then rethrows so apiRoute maps it).
 * Use it around every state-changing call.
 */
export async function audited<T>(src: AuditSource, entry: AuditTarget, fn: () => Promise<T>): Promise<T> {
  const id = await src.ctx.audit.begin({
    ...entry,
    user: src.principal ? { id: src.principal.userId, username: src.principal.username } : null,
    ip: src.meta.ip,
    userAgent: src.meta.userAgent,
  });
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    await src.ctx.audit.complete(id, refusalOutcome(err), err instanceof Error ? err.message : String(err));
    throw err;
  }
  await src.ctx.audit.complete(id, 'success');
  return result;
}
