'use client';
import { create } from 'zustand';

/** Per-row change counters so rows changed by pushed events flash briefly (UI state only). */
interface FlashState {
  versions: Record<string, number>;
  mark: (names: Iterable<string>) => void;
  reset: () => void;
}

export const useFlashStore = create<FlashState>()((set) => ({
  versions: {},
  mark: (names) =>
    set((s) => {
      const versions = { ...s.versions };
      for (const n of names) versions[n] = (versions[n] ?? 0) + 1;
      return { versions };
    }),
  reset: () => set({ versions: {} }),
}));
