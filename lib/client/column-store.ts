'use client';
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** Which node-table columns the user chose: UI state, kept in this browser's localStorage. */
export interface ColumnState {
  /** ids of the shown columns; null until the user chooses (the table's defaults) */
  chosen: string[] | null;
  setChosen: (ids: string[] | null) => void;
}

export const useColumnStore = create<ColumnState>()(
  persist((set) => ({ chosen: null, setChosen: (chosen) => set({ chosen }) }), {
    name: 'knm.node-columns',
    version: 1,
    storage: createJSONStorage(() => localStorage),
    partialize: (s) => ({ chosen: s.chosen }),
    // the server renders the defaults; the stored choice is applied after mount, so hydration matches
    skipHydration: true,
  }),
);

/** The chosen ids after switching one column on or off, in the table's order. */
export function toggleColumn(
  chosen: readonly string[],
  id: string,
  on: boolean,
  order: readonly string[],
): string[] {
  const ids = new Set(chosen);
  if (on) ids.add(id);
  else ids.delete(id);
  return order.filter((c) => ids.has(c));
}
