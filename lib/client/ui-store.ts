'use client';
import { create } from 'zustand';

export type Panel = { kind: 'node'; name: string } | { kind: 'batch'; action: BatchAction } | null;
export type BatchAction = 'cordon' | 'uncordon' | 'labels' | 'taints' | 'drain';

/** UI state only (never server data): which cluster, which rows, which panel; the node query lives in the URL. */
export interface UiState {
  cluster: string | null;
  selected: ReadonlySet<string>;
  panel: Panel;
  /** the batch operation whose progress dialog is showing */
  operationId: string | null;
  setCluster: (cluster: string | null) => void;
  toggleSelected: (name: string) => void;
  setSelected: (names: Iterable<string>) => void;
  clearSelection: () => void;
  openPanel: (panel: Panel) => void;
  setOperation: (id: string | null) => void;
}

export const useUiStore = create<UiState>()((set) => ({
  cluster: null,
  selected: new Set(),
  panel: null,
  operationId: null,
  setCluster: (cluster) =>
    set((s) =>
      s.cluster === cluster ? s : { cluster, selected: new Set(), panel: null, operationId: null },
    ),
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
