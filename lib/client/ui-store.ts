'use client';
import { create } from 'zustand';
import { defaultNodeQuery, type NodeQuery, type NodeSortColumn } from '@/lib/protocol/node-query';

export type Panel = { kind: 'node'; name: string } | { kind: 'batch'; action: BatchAction } | null;
export type BatchAction = 'cordon' | 'uncordon' | 'labels' | 'taints' | 'drain';

/** UI state only (never server data): which cluster, which rows, how the table is filtered and sorted. */
export interface UiState {
  cluster: string | null;
  selected: ReadonlySet<string>;
  /** the node query the table shows (filters, sort, direction): mirrored in the page URL */
  query: NodeQuery;
  panel: Panel;
  /** the batch operation whose progress dialog is showing */
  operationId: string | null;
  setCluster: (cluster: string | null) => void;
  setFilter: <K extends keyof NodeQuery>(key: K, value: NodeQuery[K]) => void;
  setQuery: (query: NodeQuery) => void;
  resetFilters: () => void;
  toggleSort: (column: NodeSortColumn) => void;
  toggleSelected: (name: string) => void;
  setSelected: (names: Iterable<string>) => void;
  clearSelection: () => void;
  openPanel: (panel: Panel) => void;
  setOperation: (id: string | null) => void;
}

export const useUiStore = create<UiState>()((set) => ({
  cluster: null,
  selected: new Set(),
  query: defaultNodeQuery,
  panel: null,
  operationId: null,
  setCluster: (cluster) =>
    set((s) =>
      s.cluster === cluster ? s : { cluster, selected: new Set(), panel: null, operationId: null },
    ),
  setFilter: (key, value) => set((s) => ({ query: { ...s.query, [key]: value } })),
  setQuery: (query) => set({ query }),
  resetFilters: () => set((s) => ({ query: { ...defaultNodeQuery, sort: s.query.sort, dir: s.query.dir } })),
  toggleSort: (column) =>
    set((s) => ({
      query: {
        ...s.query,
        sort: column,
        dir: s.query.sort === column && s.query.dir === 'asc' ? 'desc' : 'asc',
      },
    })),
  toggleSelected: (name) =>
    set((s) => {
      const next = new Set(s.selected);
      if (!next.delete(name)) next.add(name);
      return { selected: next };
    }),
  setSelected: (names) => set({ selected: new Set(names) }),
  clearSelection: () => set({ selected: new Set() }),
  openPanel: (panel) => set({ panel }),
  setOperation: (operationId) => set({ operationId }),
}));
