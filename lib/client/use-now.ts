'use client';
import { createContext, createElement, useContext, useEffect, useState, type ReactNode } from 'react';

/**
 * The time the server rendered the page. Hydration must render what the server rendered: an age
 * computed from the browser's clock ("12s" where the HTML says "10s") is a hydration mismatch, and
 * React then throws the server HTML away and re-renders the whole page in one long task.
 */
const RenderTimeContext = createContext<number | null>(null);

/** Gives useNow below it the server's render time for its first (hydration) render. */
export function RenderTime({ at, children }: { at: number; children: ReactNode }) {
  return createElement(RenderTimeContext.Provider, { value: at }, children);
}

/**
 * The current time, refreshed every `intervalMs` (ages and "last update" labels; no server data).
 * Under RenderTime it starts at the server's render time and moves to the browser's clock right
 * after mounting, so the hydration render matches the HTML.
 */
export function useNow(intervalMs: number): number {
  const rendered = useContext(RenderTimeContext);
  const [now, setNow] = useState(() => rendered ?? Date.now());
  useEffect(() => {
    // off the server's clock as soon as hydration is done
    const first = rendered === null ? null : setTimeout(() => setNow(Date.now()), 0);
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => {
      if (first) clearTimeout(first);
      clearInterval(t);
    };
  }, [intervalMs, rendered]);
  return now;
}
