'use client';
import { create } from 'zustand';

/** The last error the stream reported (e.g. a refused subscription), shown beside the live indicator. */
export const useStreamErrorStore = create<{ error: string | null; set: (e: string | null) => void }>()(
  (set) => ({
    error: null,
    set: (error) => set({ error }),
  }),
);
