import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';

/**
 * Cache entries are immutable snapshots, replaced on every change, so each one's JSON is
 * built once and reused by every list until the node changes again.
 */
const jsonOf = new WeakMap<NodeSummary, string>();

export function nodeJson(node: NodeSummary): string {
  let json = jsonOf.get(node);
  if (json === undefined) {
    json = JSON.stringify(node);
    jsonOf.set(node, json);
  }
  return json;
}

/** The same JSON as JSON.stringify(list), assembled from per-node strings. */
export function listBody(list: NodeListResponse): string {
  const { items, ...head } = list;
  const prefix = JSON.stringify(head).slice(0, -1);
  return `${prefix},"items":[${items.map(nodeJson).join(',')}]}`;
}
