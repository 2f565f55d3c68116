/**
 * Tiny bounded TTL map with an injected clock (no timers, so nothing to clean up). An expired
 * entry is kept until evicted so that getStale() can serve it while the database is down.
 */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit || hit.expires <= this.now()) return undefined;
    return hit.value;
  }

  /** The value even if expired, as long as it expired less than `maxStaleMs` ago. */
  getStale(key: string, maxStaleMs: number): V | undefined {
    const hit = this.map.get(key);
    if (!hit || hit.expires + maxStaleMs <= this.now()) return undefined;
    return hit.value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, { value, expires: this.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
