import type { NodeQuery } from '@/lib/protocol/node-query';
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

interface ViewRow {
  readonly name: string;
  readonly key: SortKey;
  readonly node: NodeSummary;
}

/** Where one change touched the view: the row's index before it left and after it arrived. */
export interface ViewChange {
  name: string;
  removedAt?: number;
  insertedAt?: number;
}

/**
 * The rows matching one node query, kept in the query's order as changes arrive: a change costs a
 * filter test, a binary search and a splice within one block (BlockList), never a rescan, and the
 * count is the list's length.
 * Windows of every subscriber of the same query read slices of one view.
 */
export class QueryView {
  private readonly filter: NodePredicate | null;
  private readonly sign: 1 | -1;
  private readonly rows: BlockList<ViewRow>;
  private readonly byName = new Map<string, ViewRow>();

  /**
   * `nodes` in any order, or with `ordered` already in the query's order (the cache's maintained
   * column orders), which skips the sort. Throws NodeQueryError for a malformed filter.
   */
  constructor(
    readonly query: NodeQuery,
    nodes: Iterable<NodeSummary>,
    public seq: number,
    ordered = false,
  ) {
    this.filter = compileNodeFilter(query);
    this.sign = query.dir === 'desc' ? -1 : 1;
    const rows: ViewRow[] = [];
    for (const n of nodes) {
      if (this.filter && !this.filter(n)) continue;
      const r = { name: n.name, key: sortKeyOf(n, query.sort), node: n };
      rows.push(r);
      this.byName.set(n.name, r);
    }
    if (!ordered) rows.sort((a, b) => this.compare(a, b.key, b.name));
    this.rows = new BlockList(rows);
  }

  get total(): number {
    return this.rows.length;
  }

  slice(offset: number, limit: number): NodeSummary[] {
    return this.rows.slice(offset, offset + limit).map((r) => r.node);
  }

  /** Applies one change (in seq order); null when the node neither was nor is in the view. */
  apply(change: NodeChange): ViewChange | null {
    if (change.seq <= this.seq) return null;
    this.seq = change.seq;
    const old = this.byName.get(change.name);
    const node = change.type === 'node_delete' ? undefined : change.node;
    const matches = node !== undefined && (!this.filter || this.filter(node));
    if (!old && !matches) return null;
    const out: ViewChange = { name: change.name };
    const key = matches ? sortKeyOf(node, this.query.sort) : undefined;
    if (old && matches && compareKeys(old.key, key as SortKey) === 0) {
      // same place: swap the row in
      const before = this.before(old.key, old.name);
      const i = this.rows.bound(before);
      const r = { name: old.name, key: old.key, node };
      this.rows.replaceSorted(before, r);
      this.byName.set(old.name, r);
      out.removedAt = out.insertedAt = i;
      return out;
    }
    if (old) {
      const before = this.before(old.key, old.name);
      const i = this.rows.bound(before);
      this.rows.removeSorted(before, old);
      this.byName.delete(old.name);
      out.removedAt = i;
    }
    if (matches) {
      const r = { name: change.name, key: key as SortKey, node };
      const before = this.before(r.key, r.name);
      this.rows.insertSorted(before, r);
      const j = this.rows.bound(before);
      this.byName.set(r.name, r);
      out.insertedAt = j;
    }
    return out;
  }

  private compare(a: ViewRow, key: SortKey, name: string): number {
    return this.sign * (compareKeys(a.key, key) || compareNatural(a.name, name));
  }

  /** Whether a row sorts before (key, name); positions are counted once per change (bound). */
  private before(key: SortKey, name: string): (r: ViewRow) => boolean {
    return (r) => this.compare(r, key, name) < 0;
  }
}
