import type { NodeSummary } from '@/lib/protocol/node-summary';
import { nodeSortColumns, type NodeSortColumn } from '@/lib/protocol/node-query';
import { compareNatural } from '@/lib/shared/collation';
import { compareKeys, sortKeyOf } from '@/lib/shared/node-query';
import { BlockList } from './block-list';

/** One cached node; orders hold these, so a scan never goes back through the Map. */
export interface NodeEntry {
  readonly name: string;
  node: NodeSummary;
  /** sort key per column index of `nodeSortColumns`, set while that column's order exists */
  keys: (string | number | undefined)[];
}

/** A column order, read-only for callers. */
export type NodeOrder = Pick<BlockList<NodeEntry>, 'length' | 'at' | 'forEach' | 'slice'>;

const columnIndex = new Map<NodeSortColumn, number>(nodeSortColumns.map((k, i) => [k, i]));

/**
 * Entries in natural name order plus, for each column someone sorted by, entries sorted by
 * (key, name). Column orders are built on first use and then maintained per change with a
 * binary search and a splice within one block (BlockList), so reads never re-sort and a change
 * does not move the whole cluster in memory.
 */
export class NodeIndex {
  private readonly entries = new Map<string, NodeEntry>();
  private readonly byName = new BlockList<NodeEntry>();
  private readonly orders = new Map<NodeSortColumn, BlockList<NodeEntry>>();

  get size(): number {
    return this.entries.size;
  }

  get(name: string): NodeSummary | undefined {
    return this.entries.get(name)?.node;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return this.byName.toArray().map((e) => e.name);
  }

  /** Inserts or replaces a node and moves it in every column order whose key changed. */
  set(node: NodeSummary): void {
    let e = this.entries.get(node.name);
    if (!e) {
      e = { name: node.name, node, keys: [] };
      this.entries.set(node.name, e);
      this.byName.insertSorted(nameBefore(node.name), e);
    }
    e.node = node;
    this.reorder(e, node);
  }

  /** Swaps the object without touching orders: only for changes no sort key can see (RV-only). */
  replaceQuiet(node: NodeSummary): void {
    const e = this.entries.get(node.name);
    if (e) e.node = node;
  }

  delete(name: string): void {
    const e = this.entries.get(name);
    if (!e) return;
    this.entries.delete(name);
    this.byName.removeSorted(nameBefore(name), e);
    this.reorder(e, undefined);
  }

  /** Builds one column order not built yet; false when every column has one. */
  warmOne(): boolean {
    const missing = nodeSortColumns.find((c) => c !== 'name' && !this.orders.has(c));
    if (missing) this.order(missing);
    return missing !== undefined;
  }

  order(by: NodeSortColumn): NodeOrder {
    if (by === 'name') return this.byName;
    const cached = this.orders.get(by);
    if (cached) return cached;
    const col = columnIndex.get(by) as number;
    const all = this.byName.toArray();
    for (const e of all) e.keys[col] = sortKeyOf(e.node, by);
    const order = new BlockList(all.sort((a, b) => compareEntries(a, b, col)));
    this.orders.set(by, order);
    return order;
  }

  private reorder(e: NodeEntry, node: NodeSummary | undefined) {
    for (const [by, order] of this.orders) {
      const col = columnIndex.get(by) as number;
      const oldKey = e.keys[col];
      const newKey = node ? sortKeyOf(node, by) : undefined;
      if (oldKey !== undefined && newKey !== undefined && compareKeys(oldKey, newKey) === 0) continue;
      if (oldKey !== undefined) {
        order.removeSorted(keyBefore(col, oldKey, e.name), e);
      }
      e.keys[col] = newKey;
      if (newKey !== undefined) order.insertSorted(keyBefore(col, newKey, e.name), e);
    }
  }
}

function compareEntries(a: NodeEntry, b: NodeEntry, col: number): number {
  return (
    compareKeys(a.keys[col] as string | number, b.keys[col] as string | number) ||
    compareNatural(a.name, b.name)
  );
}

/** Whether an entry sorts before (key, name) in a column order. */
function keyBefore(col: number, key: string | number, name: string): (m: NodeEntry) => boolean {
  return (m) => (compareKeys(m.keys[col] as string | number, key) || compareNatural(m.name, name)) < 0;
}

function nameBefore(name: string): (m: NodeEntry) => boolean {
  return (m) => compareNatural(m.name, name) < 0;
}
