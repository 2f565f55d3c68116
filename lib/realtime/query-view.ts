import type { NodeQuery, NodeSortColumn } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { compareNatural } from '@/lib/shared/collation';
import {
  compareKeys,
  compileNodeFilter,
  sortKeyOf,
  type NodePredicate,
  type SortKey,
} from '@/lib/shared/node-query';
import { BlockList } from './block-list';
import type { NodeChange } from './types';

/**
 * Where one change touched the view, in ascending order: the row's index before it left and after
 * it arrived. `lost`: the view did not hold the row the change says it had (it must be rebuilt).
 */
export interface ViewChange {
  name: string;
  removedAt?: number;
  insertedAt?: number;
  lost?: true;
}

/**
 * The rows matching one node query's filters, kept in ascending (key, name) order as changes arrive:
 * a change costs a filter test, a binary search and a splice within one block (BlockList), never a
 * rescan, and the count is the list's length. Both directions read the same view (descending reads
 * from the end), so windows of every subscriber of the query, ascending or not, share it.
 *
 * The view holds the cache's own summary objects, nothing copied: building one is a filtered walk of
 * the cache's maintained column order plus an array of references (at 65,000 nodes a Map and a row
 * object per node cost ~100 ms, the references ~3 ms). A change finds the row it replaces through
 * `change.prev`, the node as it was at the previous seq, which is what the view holds for it.
 */
export class QueryView {
  /** the query in its ascending form: the key views are shared by */
  readonly query: NodeQuery;
  private readonly filter: NodePredicate | null;
  private readonly sort: NodeSortColumn;
  private readonly rows: BlockList<NodeSummary>;

  /**
   * `matching`: exactly the nodes that pass the query's filters, in ascending (key, name) order (the
   * cache's read of the ascending query). Throws NodeQueryError for a malformed filter.
   */
  constructor(
    query: NodeQuery,
    matching: readonly NodeSummary[],
    public seq: number,
  ) {
    this.query = { ...query, dir: 'asc' };
    this.filter = compileNodeFilter(query);
    this.sort = query.sort;
    this.rows = new BlockList(matching);
  }

  get total(): number {
    return this.rows.length;
  }

  /** `limit` rows from `offset`, counted from the end when descending. */
  slice(offset: number, limit: number, desc = false): NodeSummary[] {
    if (!desc) return this.rows.slice(offset, offset + limit);
    const total = this.rows.length;
    const end = Math.max(0, total - offset);
    return this.rows.slice(Math.max(0, end - limit), end).reverse();
  }

  /** Applies one change (in seq order); null when the node neither was nor is in the view. */
  apply(change: NodeChange): ViewChange | null {
    if (change.seq <= this.seq) return null;
    this.seq = change.seq;
    const prev = change.prev;
    const node = change.type === 'node_delete' ? undefined : change.node;
    const was = prev !== undefined && this.matches(prev);
    const is = node !== undefined && this.matches(node);
    if (!was && !is) return null;
    const out: ViewChange = { name: change.name };
    const oldKey = was ? sortKeyOf(prev, this.sort) : undefined;
    const newKey = is ? sortKeyOf(node, this.sort) : undefined;
    if (was) {
      const before = this.before(oldKey as SortKey, change.name);
      const i = this.rows.bound(before);
      if (this.rows.at(i)?.name !== change.name) return { name: change.name, lost: true };
      if (is && compareKeys(oldKey as SortKey, newKey as SortKey) === 0) {
        // same place: swap the row in
        this.rows.replaceSorted(before, node);
        out.removedAt = out.insertedAt = i;
        return out;
      }
      this.rows.removeAt(i);
      out.removedAt = i;
    }
    if (is) {
      const before = this.before(newKey as SortKey, change.name);
      const j = this.rows.bound(before);
      this.rows.insert(j, node);
      out.insertedAt = j;
    }
    return out;
  }

  /**
   * Puts `next` in the place of `prev`, the same node with nothing a query reads changed (a newer
   * resourceVersion the cache keeps without emitting a change), so a slice returns what the cache holds.
   */
  swap(prev: NodeSummary, next: NodeSummary): void {
    if (!this.matches(prev)) return;
    const before = this.before(sortKeyOf(prev, this.sort), prev.name);
    if (this.rows.at(this.rows.bound(before))?.name === prev.name) this.rows.replaceSorted(before, next);
  }

  private matches(n: NodeSummary): boolean {
    return !this.filter || this.filter(n);
  }

  /** Whether a row sorts before (key, name) in ascending order. */
  private before(key: SortKey, name: string): (r: NodeSummary) => boolean {
    const sort = this.sort;
    return (r) => (compareKeys(sortKeyOf(r, sort), key) || compareNatural(r.name, name)) < 0;
  }
}
