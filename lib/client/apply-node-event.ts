import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { compareNatural } from '@/lib/shared/collation';

/** The fields of a pushed node event the list patcher needs (a NodeEventMessage satisfies it). */
export type NodeEventLike = Pick<NodeEventMessage, 'type' | 'cluster_name' | 'node_name' | 'seq' | 'data'>;

/** Lists are kept in the server's natural name order (node-2 before node-10): one collation on both sides. */
export const compareNodeNames = compareNatural;

/**
 * resourceVersions are opaque per the Kubernetes API, but every real apiserver (etcd revision) and the
 * simulator issue decimal integers; only a provably older one is rejected. An equal rv is not stale: pod
 * statistics change without touching the Node object, and the event's seq already proved it newer.
 */
export function isOlderResourceVersion(next: string, current: string): boolean {
  if (!/^\d+$/.test(next) || !/^\d+$/.test(current)) return false;
  return next.length !== current.length ? next.length < current.length : next < current;
}

/** Binary search by name in an items array sorted with compareNodeNames: index if found, else -(insertion)-1. */
export function findNodeIndex(items: readonly NodeSummary[], name: string): number {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareNodeNames(items[mid]!.name, name);
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  // the list may not be sorted the way we sort (e.g. a server sorting by byte order): fall back to a scan
  const linear = items.findIndex((n) => n.name === name);
  return linear >= 0 ? linear : -lo - 1;
}

/**
 * Applies one pushed node event to a cached node list, immutably: returns the same object when the event
 * is stale (seq at or below the list's seq), for another cluster, or changes nothing; otherwise a new list
 * whose items array is a copy with only the changed entry replaced, inserted (sorted by name) or removed.
 */
export function applyNodeEvent(list: NodeListResponse, event: NodeEventLike): NodeListResponse {
  return applyNodeEvents(list, [event]);
}

/** Applies a batch of events with a single copy of the items array (used to coalesce bursts per frame). */
export function applyNodeEvents(list: NodeListResponse, events: readonly NodeEventLike[]): NodeListResponse {
  let items: NodeSummary[] | null = null;
  let seq = list.seq;
  for (const event of events) {
    if (event.cluster_name !== list.cluster || event.seq <= seq) continue;
    seq = event.seq;
    const current: readonly NodeSummary[] = items ?? list.items;
    const idx = findNodeIndex(current, event.node_name);
    if (event.type === 'node_delete') {
      if (idx < 0) continue;
      items ??= list.items.slice();
      items.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const existing = current[idx]!;
      // an add for a node we already hold is an update (e.g. replayed after our list was taken)
      if (isOlderResourceVersion(event.data.resourceVersion, existing.resourceVersion)) continue;
      items ??= list.items.slice();
      items[idx] = event.data;
    } else {
      items ??= list.items.slice();
      items.splice(-idx - 1, 0, event.data);
    }
  }
  if (seq === list.seq) return list;
  if (!items) return { ...list, seq };
  return { ...list, seq, total: items.length, items };
}
