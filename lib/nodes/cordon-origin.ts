import type { AuditEntry } from '@/lib/audit/audit-log';
import {
  CORDON_AT_ANNOTATION,
  CORDON_BY_ANNOTATION,
  CORDON_REASON_ANNOTATION,
  UNSCHEDULABLE_TAINT_KEY,
  type CordonInfo,
} from '@/lib/protocol/cordon-annotations';
import type { NodeSummary } from '@/lib/protocol/node-summary';

/** Audit actions that leave a node cordoned, and the one that ends a cordon. */
export const CORDON_ACTIONS = ['node.cordon', 'node.drain'] as const;
export const CORDON_AUDIT_ACTIONS = [...CORDON_ACTIONS, 'node.uncordon'] as const;

/**
 * A record older than the cordon by more than this belongs to an earlier cordon: `kubectl uncordon`
 * leaves our annotations behind, and a later `kubectl cordon` must not be credited to that user. The
 * margin covers the controller adding the taint a moment after our write, and clock skew.
 */
export const STALE_AFTER_MS = 2 * 60_000;

type CordonNode = Pick<NodeSummary, 'unschedulable' | 'annotations' | 'taints'>;

/** When the node lifecycle controller saw this cordon (its taint's timeAdded), if it says. */
export function cordonTaintTime(node: Pick<NodeSummary, 'taints'>): string | undefined {
  return node.taints.find((t) => t.key === UNSCHEDULABLE_TAINT_KEY && t.effect === 'NoSchedule')?.timeAdded;
}

function olderThanCordon(at: string | number | undefined, cordonedAt: string | undefined): boolean {
  if (at === undefined || cordonedAt === undefined) return false;
  const a = typeof at === 'number' ? at : Date.parse(at);
  const c = Date.parse(cordonedAt);
  return Number.isFinite(a) && Number.isFinite(c) && c - a > STALE_AFTER_MS;
}

function fromAnnotations(node: CordonNode): CordonInfo | null {
  const a = node.annotations;
  const by = a[CORDON_BY_ANNOTATION];
  if (!by) return null;
  const reason = a[CORDON_REASON_ANNOTATION] || undefined;
  const at = a[CORDON_AT_ANNOTATION] || undefined;
  return { source: 'app', by, ...(reason ? { reason } : {}), ...(at ? { at } : {}) };
}

function fromAudit(row: AuditEntry | null): CordonInfo | null {
  if (!row || !(CORDON_ACTIONS as readonly string[]).includes(row.action)) return null;
  const reason = typeof row.parameters?.reason === 'string' ? row.parameters.reason : '';
  return {
    source: 'audit',
    ...(row.username ? { by: row.username } : {}),
    ...(reason ? { reason } : {}),
    at: new Date(row.completedAt ?? row.at).toISOString(),
  };
}

/**
 * Who cordoned the node, why and when, one answer for the browser: our annotations; else this app's
 * latest cordon in the audit log (unless an uncordon came after it); else "outside the app" with the
 * time of the unschedulable taint. Either record is ignored when it predates the current cordon's taint.
 * Null while schedulable. `latestAudit` is only called when the annotations do not answer.
 */
export async function resolveCordon(
  node: CordonNode,
  latestAudit: () => Promise<AuditEntry | null>,
): Promise<CordonInfo | null> {
  if (!node.unschedulable) return null;
  const taintAt = cordonTaintTime(node);
  const annotated = fromAnnotations(node);
  if (annotated && !olderThanCordon(annotated.at, taintAt)) return annotated;
  const audited = fromAudit(await latestAudit());
  if (audited && !olderThanCordon(audited.at, taintAt)) return audited;
  return { source: 'outside', ...(taintAt ? { at: taintAt } : {}) };
}
