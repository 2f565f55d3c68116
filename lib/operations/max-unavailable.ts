/**
 * The max-unavailable rule of a cordon or drain batch: never more than `max` nodes of the cluster
 * unschedulable at once, counting the ones that already are (cordoned by anyone) and the ones this
 * batch is cordoning or draining now. A node that is already unschedulable adds nothing, so it may
 * start at any time. Reads the node cache (a cordon answers only once the cache shows it, so a node
 * this batch finished is counted by the cache from then on).
 */
export interface NodeGate {
  /**
   * Resolves once `node` may start, holding a slot until release(node); rejects when `signal` aborts.
   * `onWait` is called with a reason while it waits, and with undefined once it may go on.
   */
  acquire(node: string, signal: AbortSignal, onWait: (reason: string | undefined) => void): Promise<void>;
  release(node: string): void;
}

export interface UnavailabilityGateOptions {
  max: number;
  /** names of the cluster's unschedulable nodes now */
  unschedulable: () => Promise<ReadonlySet<string>>;
  /** how often a waiting node looks again (cordons by others are seen no later than this) */
  pollMs?: number;
}

export function waitingReason(unavailable: number, max: number): string {
  return `${unavailable} of at most ${max} nodes unavailable; waiting for one to become schedulable`;
}

export class UnavailabilityGate implements NodeGate {
  /** nodes this batch is cordoning or draining that the cache may not show as unschedulable yet */
  private readonly held = new Set<string>();
  /** nodes waiting for a slot, first come first served: a batch runs its nodes in their order */
  private readonly queue: string[] = [];
  private readonly wakers = new Set<() => void>();

  constructor(private readonly opts: UnavailabilityGateOptions) {}

  async acquire(node: string, signal: AbortSignal, onWait: (r: string | undefined) => void): Promise<void> {
    let waited = false;
    this.queue.push(node);
    try {
      for (;;) {
        if (signal.aborted) throw new Error('stopped before the node started');
        const cached = await this.opts.unschedulable();
        // synchronous from here to the reservation: two workers never take the last slot together
        if (signal.aborted) throw new Error('stopped before the node started');
        const unavailable = new Set([...cached, ...this.held]);
        // a node that is unschedulable already needs no slot, so it need not queue either
        const first = this.queue.find((n) => !cached.has(n)) === node;
        if (cached.has(node) || (first && unavailable.size < this.opts.max)) {
          if (!cached.has(node)) this.held.add(node);
          if (waited) onWait(undefined);
          return;
        }
        // behind another waiting node, with room: that node goes first, this one right after
        if (unavailable.size >= this.opts.max) {
          waited = true;
          onWait(waitingReason(unavailable.size, this.opts.max));
        }
        await this.sleep(signal);
      }
    } finally {
      this.queue.splice(this.queue.indexOf(node), 1);
      this.wake();
    }
  }

  release(node: string): void {
    this.held.delete(node);
    this.wake();
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }

  private sleep(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.opts.pollMs ?? 250);
      this.wakers.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
