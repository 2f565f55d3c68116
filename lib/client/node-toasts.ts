import type { NodeEventMessage } from '@/lib/protocol/messages';
import type { ChangeKind } from '@/lib/protocol/node-summary';

/** The changes worth a toast, as in the original design: nodes added and removed, labels, taints, scheduling. */
const notable: ReadonlySet<ChangeKind> = new Set(['labels', 'taints', 'schedulable']);

export interface NodeToast {
  /** sonner toast id: the aggregate of a cluster is one toast updated in place, never a pile */
  id?: string;
  kind: 'info' | 'warning';
  title: string;
  description?: string;
}

/** More notable events than this in one window become one "N nodes updated" toast. */
export const AGGREGATE_OVER = 3;

const words: Partial<Record<ChangeKind, string>> = {
  labels: 'labels',
  taints: 'taints',
  schedulable: 'scheduling',
};

/** What changed on one node, in words ("labels and taints updated"); null when nothing notable did. */
export function describeNodeEvent(e: NodeEventMessage): { text: string; kind: 'info' | 'warning' } | null {
  if (e.type === 'node_add') return { text: `Node ${e.node_name} added`, kind: 'info' };
  if (e.type === 'node_delete') return { text: `Node ${e.node_name} removed`, kind: 'warning' };
  const kinds = e.changes.filter((c) => notable.has(c));
  if (kinds.length === 0) return null;
  if (kinds.includes('schedulable')) {
    // a cordon brings its node.kubernetes.io/unschedulable taint: not news of its own
    const rest = kinds.filter((k) => k !== 'schedulable' && k !== 'taints');
    const also = rest.length ? ` (${listWords(rest.map((k) => words[k]!))} updated)` : '';
    return {
      text: `Node ${e.node_name} ${e.data.unschedulable ? 'cordoned' : 'uncordoned'}${also}`,
      kind: 'info',
    };
  }
  return { text: `Node ${e.node_name}: ${listWords(kinds.map((k) => words[k]!))} updated`, kind: 'info' };
}

function listWords(w: string[]): string {
  return w.length <= 1 ? (w[0] ?? '') : `${w.slice(0, -1).join(', ')} and ${w.at(-1)}`;
}

/**
 * The toasts for one window of pushed events of a cluster: one per node when few, otherwise one aggregate
 * ("37 nodes updated", with what happened). Several events of one node count once, as its latest.
 */
export function nodeToasts(cluster: string, events: readonly NodeEventMessage[]): NodeToast[] {
  const byNode = new Map<
    string,
    { e: NodeEventMessage; added: boolean; removed: boolean; kinds: Set<ChangeKind> }
  >();
  for (const e of events) {
    const prev = byNode.get(e.node_name);
    const kinds = new Set([...(prev?.kinds ?? []), ...e.changes.filter((c) => notable.has(c))]);
    byNode.set(e.node_name, {
      e: { ...e, changes: [...kinds] },
      added: (prev?.added ?? false) || e.type === 'node_add',
      removed: e.type === 'node_delete',
      kinds,
    });
  }
  const shown = [...byNode.values()].flatMap((n) => {
    const d = describeNodeEvent(n.added && !n.removed ? { ...n.e, type: 'node_add' } : n.e);
    return d ? [{ ...n, d }] : [];
  });
  if (shown.length <= AGGREGATE_OVER)
    return shown.map((n) => ({ kind: n.d.kind, title: n.d.text, description: `cluster ${cluster}` }));
  const added = shown.filter((n) => n.added && !n.removed).length;
  const removed = shown.filter((n) => n.removed).length;
  const changed = shown.length - added - removed;
  const parts = [
    added ? `${added} added` : '',
    removed ? `${removed} removed` : '',
    changed ? `${changed} changed` : '',
  ].filter(Boolean);
  return [
    {
      id: `nodes-${cluster}`,
      kind: removed ? 'warning' : 'info',
      title: `${shown.length} nodes updated`,
      description: `cluster ${cluster}: ${parts.join(', ')}`,
    },
  ];
}

/**
 * The notice for the node the user has open, when a pushed event changed it and the change was not the
 * user's own (own edits are remembered for a few seconds by own-edits.ts); null otherwise.
 */
export function openNodeNotice(e: NodeEventMessage, ownEdit: boolean): NodeToast | null {
  if (ownEdit) return null;
  if (e.type === 'node_delete')
    return {
      id: `open-${e.node_name}`,
      kind: 'warning',
      title: `The node you have open, ${e.node_name}, was removed`,
    };
  const kinds = e.changes.filter((c) => notable.has(c) || c === 'annotations');
  if (e.type !== 'node_update' || kinds.length === 0) return null;
  return {
    id: `open-${e.node_name}`,
    kind: 'warning',
    title: `${e.node_name} was changed by someone else`,
    description: `${listWords(kinds.map((k) => words[k] ?? k))} changed; the page shows the new state`,
  };
}
