export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** 0..1: the share of each delay that is randomised away, so reconnecting tabs don't stampede together */
  jitter: number;
}

/** Capped at 10 s: a restarted server is found again within about 10 s, never a minute later. */
export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.5 };

/** Delay before retry number `attempt` (0-based): exponential, capped, then reduced by up to `jitter`. */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  const base = Math.min(opts.maxMs, opts.initialMs * opts.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - opts.jitter * random()));
}
