/**
 * Clusters above this many nodes are shown through a live window (the server evaluates the query,
 * the browser holds a few hundred rows); smaller ones are held whole, as the list plus the stream.
 */
export const WINDOW_THRESHOLD = 2_000;

/**
 * A cookie that overrides the threshold for one browser (benchmarks force the whole-list path with
 * it, setting it on the browser context before the page loads).
 */
export const WINDOW_THRESHOLD_COOKIE = 'knm-window-threshold';

export function parseWindowThreshold(value: string | undefined | null): number {
  const n = value ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : WINDOW_THRESHOLD;
}

export function browserWindowThreshold(): number {
  if (typeof document === 'undefined') return WINDOW_THRESHOLD;
  const m = document.cookie.match(new RegExp(`(?:^|; )${WINDOW_THRESHOLD_COOKIE}=([^;]*)`));
  return parseWindowThreshold(m?.[1]);
}
