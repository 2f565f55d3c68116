import { formatNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { QueryView } from './query-view';
import type { NodeChange } from './types';

/**
 * The views of the last few filtered queries a cache was asked (REST lists, exports), kept current
 * by every change it commits: a repeated query is a slice of its view instead of a filter test of
 * every node (at 5,000 nodes a scan's p99 was ~4 ms; a slice is a few µs). Each kept view costs every
 * change a filter test and, when the node matches, a binary search. Least recently used goes first.
 * Pure, like SmartCache; live windows keep their own views in the push hub (lib/push/windows.ts).
 */
export class ViewCache {
  /** Map order is use order: the first entry is the least recently used */
  private readonly views = new Map<string, QueryView>();

  constructor(private readonly max = 8) {}

  /** The query's view (either direction), built by `matching` (ascending order) on a miss. */
  get(query: NodeQuery, seq: number, matching: () => readonly NodeSummary[]): QueryView {
    const ascending = { ...query, dir: 'asc' as const };
    const key = formatNodeQuery(ascending);
    let view = this.views.get(key);
    if (view) this.views.delete(key);
    else view = new QueryView(ascending, matching(), seq);
    this.views.set(key, view);
    for (const k of this.views.keys()) {
      if (this.views.size <= this.max) break;
      this.views.delete(k);
    }
    return view;
  }

  /** One committed change, in seq order; a view that lost track of a row is dropped (rebuilt on use). */
  apply(change: NodeChange): void {
    for (const [key, view] of this.views) if (view.apply(change)?.lost) this.views.delete(key);
  }

  /** The cache replaced a node without a change (a newer resourceVersion only). */
  swap(prev: NodeSummary, next: NodeSummary): void {
    for (const view of this.views.values()) view.swap(prev, next);
  }

  get size(): number {
    return this.views.size;
  }
}
