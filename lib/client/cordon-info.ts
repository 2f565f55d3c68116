import {
  CORDON_AT_ANNOTATION,
  CORDON_BY_ANNOTATION,
  CORDON_REASON_ANNOTATION,
} from '@/lib/protocol/cordon-annotations';
import type { NodeSummary } from '@/lib/protocol/node-summary';

export interface CordonInfo {
  /** who cordoned it through this app; undefined when cordoned elsewhere (kubectl, an autoscaler) */
  by?: string;
  reason?: string;
  /** ISO time */
  at?: string;
}

/**
 * Who cordoned the node, why and when: every cordon this app makes (single, batch, or a drain's) records
 * them in annotations on the node itself, so they travel with the pushed summary. Null when schedulable.
 */
export function cordonInfo(node: Pick<NodeSummary, 'unschedulable' | 'annotations'>): CordonInfo | null {
  if (!node.unschedulable) return null;
  const a = node.annotations;
  const by = a[CORDON_BY_ANNOTATION] || undefined;
  const reason = a[CORDON_REASON_ANNOTATION] || undefined;
  const at = a[CORDON_AT_ANNOTATION] || undefined;
  return { ...(by ? { by } : {}), ...(reason ? { reason } : {}), ...(at ? { at } : {}) };
}
