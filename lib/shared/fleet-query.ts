import type { NodeQuery } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { compareNatural } from './collation';
import { compareKeys, compileNodeFilter, sortKeyOf, type SortKey } from './node-query';

/** A node of one cluster, in the all-clusters view and its export. */
export interface FleetNode {
  cluster: string;
  node: NodeSummary;
}

export interface ClusterNodes {
  cluster: string;
  nodes: Iterable<NodeSummary>;
}

/**
 * Orders nodes of several clusters as the one-cluster table would, with the cluster name as the last
 * tie-break (two clusters may well both have a `node-1`). Descending reverses the whole ascending order,
 * as in lib/shared/node-query.ts. Filters nothing: callers pass lists already filtered.
 */
export function mergeFleet(lists: Iterable<ClusterNodes>, q: Pick<NodeQuery, 'sort' | 'dir'>): FleetNode[] {
  const rows: { f: FleetNode; k: SortKey }[] = [];
  for (const l of lists)
    for (const node of l.nodes) rows.push({ f: { cluster: l.cluster, node }, k: sortKeyOf(node, q.sort) });
  const sign = q.dir === 'desc' ? -1 : 1;
  rows.sort(
    (a, b) =>
      sign *
      (compareKeys(a.k, b.k) ||
        compareNatural(a.f.node.name, b.f.node.name) ||
        compareNatural(a.f.cluster, b.f.cluster)),
  );
  return rows.map((r) => r.f);
}

/** Filters each cluster's list with the query, then merges (the browser's path, holding every list whole). */
export function evaluateFleetQuery(lists: Iterable<ClusterNodes>, q: NodeQuery): FleetNode[] {
  const filter = compileNodeFilter(q);
  const filtered: ClusterNodes[] = [];
  for (const l of lists)
    filtered.push({ cluster: l.cluster, nodes: filter ? [...l.nodes].filter(filter) : l.nodes });
  return mergeFleet(filtered, q);
}
