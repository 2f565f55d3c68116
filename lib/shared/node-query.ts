import type { NodeQuery, NodeSortColumn, NodeWindow } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { compareNatural } from './collation';
import { LabelSelectorError, matchesSelector, parseLabelSelector } from './label-selector';
import { cpuMillis, memoryBytes } from './quantity';
import { parseTaintFilter, TaintFilterError } from './taint-filter';

/**
 * The one evaluator of the node query: the SmartCache's incremental orders (lib/realtime/node-index.ts),
 * the window subscriptions and the browser all filter and order with these functions, so a row's
 * position is the same wherever it is computed.
 */

export class NodeQueryError extends Error {
  constructor(
    readonly field: 'labelSelector' | 'taint',
    message: string,
  ) {
    super(`invalid ${field}: ${message}`);
    this.name = 'NodeQueryError';
  }
}

export type NodePredicate = (n: NodeSummary) => boolean;

/** Compiles the filters once per query; null when nothing filters. Throws NodeQueryError naming the field. */
export function compileNodeFilter(q: NodeQuery): NodePredicate | null {
  const tests: NodePredicate[] = [];
  const terms = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length > 0)
    tests.push((n) => {
      const hay = searchText(n);
      for (const t of terms) if (!hay.includes(t)) return false;
      return true;
    });
  if (q.labelSelector.trim()) {
    let sel;
    try {
      sel = parseLabelSelector(q.labelSelector);
    } catch (e) {
      if (e instanceof LabelSelectorError)
        throw new NodeQueryError('labelSelector', e.message.replace(/^labelSelector: /, ''));
      throw e;
    }
    tests.push((n) => matchesSelector(sel, n.labels));
  }
  let taint;
  try {
    taint = parseTaintFilter(q.taint);
  } catch (e) {
    if (e instanceof TaintFilterError) throw new NodeQueryError('taint', e.message);
    throw e;
  }
  if (taint) {
    const t = taint;
    tests.push((n) => t(n.taints));
  }
  if (q.status.length > 0) {
    const wanted = new Set(q.status);
    tests.push((n) => wanted.has(n.status));
  }
  if (q.role) {
    const role = q.role;
    tests.push((n) => n.roles.includes(role));
  }
  if (q.schedulable !== null) {
    const s = q.schedulable;
    tests.push((n) => !n.unschedulable === s);
  }
  if (tests.length === 0) return null;
  if (tests.length === 1) return tests[0] as NodePredicate;
  return (n) => {
    for (const t of tests) if (!t(n)) return false;
    return true;
  };
}

const searchTexts = new WeakMap<NodeSummary, string>();

/** Lower-cased name, addresses, version, roles and `key=value` labels; built once per summary object. */
export function searchText(n: NodeSummary): string {
  let t = searchTexts.get(n);
  if (t === undefined) {
    const labels = Object.entries(n.labels).map(([k, v]) => `${k}=${v}`);
    t = [
      n.name,
      ...n.static.addresses.map((a) => a.address),
      n.static.nodeInfo.kubeletVersion,
      ...n.roles,
      ...labels,
    ]
      .join(' ')
      .toLowerCase();
    searchTexts.set(n, t);
  }
  return t;
}

export function internalIP(n: NodeSummary): string {
  const a = n.static.addresses;
  return a.find((x) => x.type === 'InternalIP')?.address ?? a[0]?.address ?? '';
}

/** Problems first: NotReady, then Unknown, then Ready; within each, cordoned before schedulable. */
const statusRank = { NotReady: 0, Unknown: 1, Ready: 2 } as const;

function ratio(used: number, total: number): number {
  return total > 0 ? used / total : used > 0 ? Number.POSITIVE_INFINITY : 0;
}

export type SortKey = string | number;

/**
 * The comparable key of one column. cpu/memory: requested share of allocatable; age: ascending is
 * youngest first; strings compare in natural order (versions, IPs and roles by their numbers).
 */
export function sortKeyOf(n: NodeSummary, column: NodeSortColumn): SortKey {
  switch (column) {
    case 'name':
      return n.name;
    case 'status':
      return statusRank[n.status] * 2 + (n.unschedulable ? 0 : 1);
    case 'roles':
      return n.roles.join(',');
    case 'version':
      return n.static.nodeInfo.kubeletVersion;
    case 'ip':
      return internalIP(n);
    case 'cpu':
      return ratio(n.pods.cpuRequestsMilli, cpuMillis(n.static.allocatable.cpu));
    case 'memory':
      return ratio(n.pods.memoryRequestsBytes, memoryBytes(n.static.allocatable.memory));
    case 'pods':
      return n.pods.count;
    case 'taints':
      return n.taints.length;
    case 'age':
      return -(Date.parse(n.creationTimestamp) || 0);
    case 'schedulable':
      return n.unschedulable ? 1 : 0;
  }
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return compareNatural(String(a), String(b));
}

/** Ascending (key, name); `desc` reverses both, so a descending list is the ascending one read backwards. */
export function compareNodes(
  column: NodeSortColumn,
  dir: 'asc' | 'desc',
): (a: NodeSummary, b: NodeSummary) => number {
  const sign = dir === 'desc' ? -1 : 1;
  return (a, b) =>
    sign * (compareKeys(sortKeyOf(a, column), sortKeyOf(b, column)) || compareNatural(a.name, b.name));
}

export interface NodePage {
  items: NodeSummary[];
  total: number;
}

/**
 * A fresh evaluation of the query over any collection: the reference the incremental paths are
 * tested against, and the browser's path for a cluster small enough to hold whole.
 */
export function evaluateNodeQuery(nodes: Iterable<NodeSummary>, q: NodeQuery, window?: NodeWindow): NodePage {
  const filter = compileNodeFilter(q);
  const rows: { n: NodeSummary; k: SortKey }[] = [];
  for (const n of nodes) if (!filter || filter(n)) rows.push({ n, k: sortKeyOf(n, q.sort) });
  const sign = q.dir === 'desc' ? -1 : 1;
  rows.sort((a, b) => sign * (compareKeys(a.k, b.k) || compareNatural(a.n.name, b.n.name)));
  const from = window?.offset ?? 0;
  const to = window ? from + window.limit : rows.length;
  return { items: rows.slice(from, to).map((r) => r.n), total: rows.length };
}

/** Distinct roles across the list, for the role filter's options. */
export function collectRoles(items: Iterable<NodeSummary>): string[] {
  const set = new Set<string>();
  for (const n of items) for (const r of n.roles) set.add(r);
  return [...set].sort(compareNatural);
}
