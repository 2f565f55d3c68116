import type { NodeSummary } from '@/lib/protocol/node-summary';
import { nodeSortColumns, type NodeSortColumn } from '@/lib/protocol/node-query';
import { compareNatural } from '@/lib/shared/collation';
import { compareKeys, sortKeyOf } from '@/lib/shared/node-query';

/** One cached node; orders hold these, so a scan never goes back through the Map. */
export interface NodeEntry {
  readonly name: string;
  node: NodeSummary;
  /** sort key per column index of `nodeSortColumns`, set while that column's order exists */
  keys: (string | number | undefined)[];
}

const columnIndex = new Map<NodeSortColumn, number>(nodeSortColumns.map((k, i) => [k, i]));

/**
 * Entries in natural name order plus, for each column someone sorted by, entries sorted by
 * (key, name). Column orders are built on first use and then maintained per change with a
 * binary search and one splice, so reads never re-sort.
 */
export class NodeIndex {
  private readonly entries = new Map<string, NodeEntry>();
  private readonly byName: NodeEntry[] = [];
  private readonly orders = new Map<NodeSortColumn, NodeEntry[]>();

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
    return this.byName.map((e) => e.name);
  }

  /** Inserts or replaces a node and moves it in every column order whose key changed. */
  set(node: NodeSummary): void {
    let e = this.entries.get(node.name);
    if (!e) {
      e = { name: node.name, node, keys: [] };
      this.entries.set(node.name, e);
      this.byName.splice(nameBound(this.byName, node.name), 0, e);
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
    const i = nameBound(this.byName, name);
    if (this.byName[i] === e) this.byName.splice(i, 1);
    this.reorder(e, undefined);
  }

  order(by: NodeSortColumn): readonly NodeEntry[] {
    if (by === 'name') return this.byName;
    const cached = this.orders.get(by);
    if (cached) return cached;
    const col = columnIndex.get(by) as number;
    for (const e of this.byName) e.keys[col] = sortKeyOf(e.node, by);
    const order = [...this.byName].sort((a, b) => compareEntries(a, b, col));
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
        const i = keyBound(order, col, oldKey, e.name);
        if (order[i] === e) order.splice(i, 1);
      }
      e.keys[col] = newKey;
      if (newKey !== undefined) order.splice(keyBound(order, col, newKey, e.name), 0, e);
    }
  }
}

function compareEntries(a: NodeEntry, b: NodeEntry, col: number): number {
  return (
    compareKeys(a.keys[col] as string | number, b.keys[col] as string | number) ||
    compareNatural(a.name, b.name)
  );
}

function keyBound(order: readonly NodeEntry[], col: number, key: string | number, name: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = order[mid] as NodeEntry;
    const c = compareKeys(m.keys[col] as string | number, key) || compareNatural(m.name, name);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function nameBound(arr: readonly NodeEntry[], name: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareNatural((arr[mid] as NodeEntry).name, name) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
