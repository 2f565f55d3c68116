import type { StoreEvent } from './store-entry';

/** Watch history bounded by age (and a hard count cap); remembers the newest resourceVersion it dropped. */
export class EventHistory {
  private events: StoreEvent[] = [];
  private head = 0;
  private compacted = 0;

  constructor(
    private readonly now: () => number,
    private readonly windowMs: number,
    private readonly maxEvents: number,
  ) {}

  push(ev: StoreEvent): void {
    this.events.push(ev);
    this.prune();
  }

  /** Watches from a resourceVersion below this get 410 Expired. */
  compactedRv(): number {
    this.prune();
    return this.compacted;
  }

  since(resource: string, fromRv: number): StoreEvent[] | 'expired' {
    this.prune();
    if (fromRv < this.compacted) return 'expired';
    const h = this.events;
    let lo = this.head;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid]!.rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < h.length; i++) if (h[i]!.resource === resource) out.push(h[i]!);
    return out;
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    const h = this.events;
    while (this.head < h.length) {
      const ev = h[this.head]!;
      if (ev.at >= cutoff && h.length - this.head <= this.maxEvents) break;
      this.compacted = ev.rv;
      this.head++;
    }
    if (this.head > 4096 && this.head * 2 > h.length) {
      this.events = h.slice(this.head);
      this.head = 0;
    }
  }
}
