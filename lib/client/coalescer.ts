/** When a coalesced flush runs: an injected timer, or the next animation frame. */
export interface BatchScheduler {
  schedule(fn: () => void): unknown;
  cancel(handle: unknown): void;
}

/**
 * Runs `flush` once per burst: the first `poke` arms the scheduler, later ones join that run. Pushed
 * changes arrive far faster than a screen shows them; a React Query write (and a render) per message
 * made long tasks under churn. The whole-list stream binding and live windows both batch through this.
 */
export class Coalescer {
  private handle: unknown = null;

  constructor(
    private readonly flush: () => void,
    private readonly scheduler: BatchScheduler,
  ) {}

  poke(): void {
    this.handle ??= this.scheduler.schedule(() => {
      this.handle = null;
      this.flush();
    });
  }

  /** Drops a pending run. */
  cancel(): void {
    if (this.handle !== null) this.scheduler.cancel(this.handle);
    this.handle = null;
  }
}

/** Once per animation frame: what a table shows changes at most that often. */
export const animationFrames: BatchScheduler = {
  schedule: (fn) => requestAnimationFrame(fn),
  cancel: (h) => cancelAnimationFrame(h as number),
};
