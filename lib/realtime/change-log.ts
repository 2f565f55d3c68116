import type { NodeChange, ReplayResult } from './types';

/**
 * Bounded per-cluster history of emitted changes (by count and by age) so a client
 * that reconnects with its last seq can be replayed instead of refetching everything.
 */
export class ChangeLog {
  private buf: (NodeChange | undefined)[];
  private head = 0; // index of the oldest entry
  private size = 0;
  /** highest seq that has been evicted (or skipped by a reset); replay from below it is too old */
  private floor: number;
  private last: number;

  constructor(
    private readonly opts: { capacity: number; maxAgeMs: number; now: () => number },
    startSeq = 0,
  ) {
    if (!(opts.capacity >= 1)) throw new RangeError('capacity must be >= 1');
    this.buf = new Array<NodeChange | undefined>(opts.capacity);
    this.floor = startSeq;
    this.last = startSeq;
  }

  get lastSeq(): number {
    return this.last;
  }

  get length(): number {
    return this.size;
  }

  append(change: NodeChange): void {
    if (change.seq <= this.last) throw new RangeError(`seq ${change.seq} is not above ${this.last}`);
    if (this.size === this.buf.length) this.evictOldest();
    this.buf[(this.head + this.size) % this.buf.length] = change;
    this.size++;
    this.last = change.seq;
    this.expire();
  }

  /** Forgets all history (e.g. after a resync): replays from before `seq` become too_old. */
  reset(seq: number): void {
    this.buf = new Array<NodeChange | undefined>(this.buf.length);
    this.head = 0;
    this.size = 0;
    this.floor = Math.max(seq, this.last);
    this.last = this.floor;
  }

  /** Changes with seq > `seq`, oldest first. */
  since(seq: number): ReplayResult {
    this.expire();
    if (!Number.isInteger(seq) || seq < 0) return { ok: false, reason: 'too_old' };
    if (seq > this.last) return { ok: false, reason: 'future_seq' };
    if (seq < this.floor) return { ok: false, reason: 'too_old' };
    const changes: NodeChange[] = [];
    // entries are contiguous in seq, so the start offset is computable
    const oldest = this.size > 0 ? (this.buf[this.head] as NodeChange).seq : this.last + 1;
    const skip = Math.max(0, seq + 1 - oldest);
    for (let i = skip; i < this.size; i++)
      changes.push(this.buf[(this.head + i) % this.buf.length] as NodeChange);
    return { ok: true, changes };
  }

  private evictOldest() {
    const old = this.buf[this.head];
    if (old) this.floor = old.seq;
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) % this.buf.length;
    this.size--;
  }

  private expire() {
    const cutoff = this.opts.now() - this.opts.maxAgeMs;
    while (this.size > 0 && (this.buf[this.head] as NodeChange).at < cutoff) this.evictOldest();
  }
}
