export interface RateLimiterOptions {
  now?: () => number;
  windowMs?: number;
  maxFailuresPerUser?: number;
  maxFailuresPerIp?: number;
  /** bound on tracked keys so a spray of usernames cannot grow memory without limit */
  maxKeys?: number;
}

export type RateDecision =
  { ok: true } | { ok: false; scope: 'ip' | 'user'; retryAfterMs: number; message: string };

/**
 * Sliding-window limiter over failed logins, per IP and per username. Pure (clock injected).
 * A success clears the username's failures, not the IP's, so one good account cannot
 * launder a password spray from the same address.
 */
export class LoginRateLimiter {
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly maxUser: number;
  private readonly maxIp: number;
  private readonly maxKeys: number;
  private readonly failures = new Map<string, number[]>();

  constructor(opts: RateLimiterOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxUser = opts.maxFailuresPerUser ?? 5;
    this.maxIp = opts.maxFailuresPerIp ?? 20;
    this.maxKeys = opts.maxKeys ?? 50_000;
  }

  check(ip: string, username: string): RateDecision {
    const now = this.now();
    const ipDecision = this.decide(`ip:${ip}`, this.maxIp, now);
    if (ipDecision !== null) return this.deny('ip', ipDecision);
    const userDecision = this.decide(`user:${username.toLowerCase()}`, this.maxUser, now);
    if (userDecision !== null) return this.deny('user', userDecision);
    return { ok: true };
  }

  recordFailure(ip: string, username: string): void {
    const now = this.now();
    this.push(`ip:${ip}`, now);
    this.push(`user:${username.toLowerCase()}`, now);
  }

  recordSuccess(_ip: string, username: string): void {
    this.failures.delete(`user:${username.toLowerCase()}`);
  }

  /** number of keys tracked (for tests and metrics) */
  get size(): number {
    return this.failures.size;
  }

  private deny(scope: 'ip' | 'user', retryAfterMs: number): RateDecision {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    const who = scope === 'ip' ? 'from this address' : 'for this account';
    return {
      ok: false,
      scope,
      retryAfterMs,
      message: `Too many failed sign-in attempts ${who}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    };
  }

  /** ms until allowed again, or null when under the limit */
  private decide(key: string, max: number, now: number): number | null {
    const list = this.prune(key, now);
    if (list.length < max) return null;
    const oldestRelevant = list[list.length - max] ?? now;
    return Math.max(1, oldestRelevant + this.windowMs - now);
  }

  private prune(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const cutoff = now - this.windowMs;
    let i = 0;
    while (i < list.length && (list[i] ?? 0) <= cutoff) i++;
    if (i > 0) list.splice(0, i);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private push(key: string, now: number): void {
    const list = this.prune(key, now);
    if (list.length === 0) {
      if (this.failures.size >= this.maxKeys) this.evict(now);
      this.failures.set(key, [now]);
      return;
    }
    list.push(now);
    // Keep only what a decision can need.
    if (list.length > Math.max(this.maxIp, this.maxUser)) list.shift();
  }

  private evict(now: number): void {
    for (const key of [...this.failures.keys()]) this.prune(key, now);
    // Still full: drop the oldest-inserted keys (Map iteration order).
    const excess = this.failures.size - this.maxKeys + 1;
    if (excess <= 0) return;
    let n = 0;
    for (const key of this.failures.keys()) {
      if (n++ >= excess) break;
      this.failures.delete(key);
    }
  }
}
