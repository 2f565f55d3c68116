'use client';
import { parseAsString, useQueryStates } from 'nuqs';
import { useMemo } from 'react';
import {
  defaultNodeQuery,
  formatNodeQuery,
  type NodeQuery,
  type NodeSortColumn,
} from '@/lib/protocol/node-query';
import { nodeQueryFromUrl, urlQueryKeys } from './node-query-search';

/** The page URL's fields: the cluster, then the node query in its canonical form (never offset/limit). */
const urlKeys = {
  cluster: parseAsString,
  /** the node open in the side panel, so a reload or a shared link opens it again */
  node: parseAsString,
  text: parseAsString,
  labelSelector: parseAsString,
  taint: parseAsString,
  status: parseAsString,
  role: parseAsString,
  schedulable: parseAsString,
  sort: parseAsString,
};
const queryKeys = urlQueryKeys;

export interface NodeQueryUrl {
  cluster: string | null;
  node: string | null;
  query: NodeQuery;
  setCluster(cluster: string): void;
  setNode(node: string | null): void;
  setQuery(query: NodeQuery): void;
}

/**
 * The dashboard's view lives in the URL (nuqs), written with the node query's one serialization, so a
 * reload or a shared link brings back the same view and the URL reads like the REST list's query.
 * A malformed URL field falls back to the default query.
 */
export function useNodeQueryUrl(): NodeQueryUrl {
  const [params, setParams] = useQueryStates(urlKeys, { history: 'replace' });
  const { text, labelSelector, taint, status, role, schedulable, sort } = params;
  const query = useMemo(
    () => nodeQueryFromUrl({ text, labelSelector, taint, status, role, schedulable, sort }),
    [text, labelSelector, taint, status, role, schedulable, sort],
  );
  return {
    cluster: params.cluster,
    query,
    node: params.node,
    // a node belongs to its cluster: switching clusters closes it
    setCluster: (cluster) => void setParams({ cluster, node: null }),
    setNode: (node) => void setParams({ node }),
    setQuery: (q) => {
      const p = new URLSearchParams(formatNodeQuery(q));
      void setParams(Object.fromEntries(queryKeys.map((k) => [k, p.get(k)])));
    },
  };
}

/** Ascending on a new column; the other direction on the same one. */
export function toggleSort(q: NodeQuery, column: NodeSortColumn): NodeQuery {
  return { ...q, sort: column, dir: q.sort === column && q.dir === 'asc' ? 'desc' : 'asc' };
}

/** Every filter cleared, the order kept. */
export function clearFilters(q: NodeQuery): NodeQuery {
  return { ...defaultNodeQuery, sort: q.sort, dir: q.dir };
}
