'use client';
import { create } from 'zustand';
import { emptyFilters, type NodeFilters, type SortColumn, type SortSpec } from './node-filter';

export type Panel = { kind: 'node'; name: string } | { kind: 'batch'; action: BatchAction } | null;
export type BatchAction = 'cordon' | 'uncordon' | 'labels' | 'taints' | 'drain';

/** UI state only (never server data): which cluster, which rows, how the table is filtered and sorted. */
export interface UiState {
  cluster: string | null;
  selected: ReadonlySet<string>;
  filters: NodeFilters;
  sort: SortSpec;
  panel: Panel;
  /** the batch operation whose progress dialog is showing */
  operationId: string | null;
  setCluster: (cluster: string | null) => void;
  setFilter: <K extends keyof NodeFilters>(key: K, value: NodeFilters[K]) => void;
  resetFilters: () => void;
  toggleSort: (column: SortColumn) => void;
  toggleSelected: (name: string) => void;
  setSelected: (names: Iterable<string>) => void;
  clearSelection: () => void;
  openPanel: (panel: Panel) => void;
  setOperation: (id: string | null) => void;
}

export const useUiStore = create<UiState>()((set) => ({
  cluster: null,
  selected: new Set(),
  filters: emptyFilters,
  sort: { column: 'name', direction: 'asc' },
  panel: null,
  operationId: null,
  setCluster: (cluster) =>
    set((s) =>
      s.cluster === cluster ? s : { cluster, selected: new Set(), panel: null, operationId: null },
    ),
  setFilter: (key, value) => set((s) => ({ filters: { ...s.filters, [key]: value } })),
  resetFilters: () => set({ filters: emptyFilters }),
  toggleSort: (column) =>
    set((s) => ({
      sort:
        s.sort.column === column
          ? { column, direction: s.sort.direction === 'asc' ? 'desc' : 'asc' }
          : { column, direction: 'asc' },
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
