'use client';
import { useCallback, useMemo } from 'react';
import { formatNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';
import type { NodeRow } from '@/lib/protocol/window';
import { toNodeRow } from '@/lib/shared/node-row';
import { collectRoles, filterNodes, type FilterResult } from './node-filter';
import { useNodeStream } from './use-node-stream';
import { useNodes } from './use-nodes';
import { useNodeWindow } from './use-node-window';
import { browserWindowThreshold } from './window-threshold';

export type NodeRowsMode = 'full' | 'window';

export interface NodeRows {
  mode: NodeRowsMode;
  /** what the rows come from now: the whole list, or a window (a small cluster's first paint too) */
  source: 'list' | 'window';
  /** rows matching the query */
  count: number;
  /** the canonical query the rows shown reflect (a new query's rows replace the old ones when they come) */
  shownQuery: string;
  /** nodes in the cluster (the list's length, or the cluster list's count in window mode) */
  clusterTotal: number;
  rowAt: (i: number) => NodeRow | undefined;
  onVisibleRange?: (start: number, end: number) => void;
  /** the rows held, in order, as [first index, rows]: everything in full mode, the window otherwise */
  loaded: () => { offset: number; rows: readonly NodeRow[] };
  /** names of held nodes among `names` (a selection drops nodes that are gone; a window keeps all) */
  present: (names: ReadonlySet<string>) => string[];
  errors: FilterResult['errors'];
  roles: string[];
  isPending: boolean;
  syncing: boolean;
  error: Error | null;
  refetch: () => void;
}

/**
 * Whether a cluster of `nodeCount` nodes is held whole or windowed (threshold cookie included). A
 * count not known yet (the cluster is still syncing: null) picks the window, which never downloads
 * the whole cluster; it asks again until the cluster is synced.
 */
export function rowsMode(nodeCount: number | null | undefined): NodeRowsMode {
  if (nodeCount === undefined) return 'full';
  return nodeCount === null || nodeCount > browserWindowThreshold() ? 'window' : 'full';
}

/**
 * The dashboard's rows for one cluster and query, whichever way they are held: a small cluster whole
 * (the list plus the stream, evaluated with the shared evaluator), a large one as a live window the
 * server evaluates. Both take the same canonical query; the table reads either by index.
 */
export function useNodeRows(
  cluster: string | null,
  query: NodeQuery,
  nodeCount: number | null | undefined,
): NodeRows {
  const mode = rowsMode(nodeCount);
  const full = mode === 'full';
  const nodes = useNodes(full ? cluster : null);
  // binds the stream in both modes (cluster status, operations, session end); follows the cluster's
  // node events only when the whole list is held
  useNodeStream(full ? cluster : null);
  const items = useMemo(() => nodes.data?.items ?? [], [nodes.data]);
  // malformed fields are reported and left out of the query, in both modes
  const {
    items: shown,
    errors,
    query: effective,
  } = useMemo(() => filterNodes(full ? items : [], query), [full, items, query]);
  const queryString = useMemo(() => formatNodeQuery(effective), [effective]);
  // small clusters use the window only for the first paint (the server render), until the list is in
  const win = useNodeWindow(cluster, queryString, {
    enabled: !full || nodes.data === undefined,
    live: !full,
  });
  const useList = full && nodes.data !== undefined;

  const listRowAt = useCallback((i: number) => (shown[i] ? toNodeRow(shown[i]) : undefined), [shown]);
  const winRows = win.data?.rows;
  const roles = useMemo(
    () => (useList ? collectRoles(items) : collectRowRoles(winRows ?? [], query.role)),
    [useList, items, winRows, query.role],
  );
  const loaded = useCallback(
    () =>
      useList
        ? { offset: 0, rows: shown.map(toNodeRow) }
        : { offset: win.data?.offset ?? 0, rows: winRows ?? [] },
    [useList, shown, win.data?.offset, winRows],
  );
  const present = useCallback(
    (names: ReadonlySet<string>) =>
      useList ? items.filter((n) => names.has(n.name)).map((n) => n.name) : [...names],
    [useList, items],
  );

  return {
    mode,
    source: useList ? 'list' : 'window',
    count: useList ? shown.length : (win.data?.total ?? 0),
    shownQuery: useList ? queryString : (win.data?.query ?? queryString),
    clusterTotal: useList ? items.length : (nodeCount ?? win.data?.total ?? 0),
    rowAt: useList ? listRowAt : win.rowAt,
    onVisibleRange: useList ? undefined : win.onVisibleRange,
    loaded,
    present,
    errors,
    roles,
    isPending: useList ? false : full ? nodes.isPending && win.isPending : win.isPending,
    syncing: useList ? !nodes.data?.synced : false,
    error: full ? nodes.error : null,
    refetch: () => void nodes.refetch(),
  };
}

function collectRowRoles(rows: readonly NodeRow[], selected: string): string[] {
  const set = new Set(rows.flatMap((r) => r.roles));
  if (selected) set.add(selected);
  return [...set].sort();
}
