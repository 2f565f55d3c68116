/** Events per second over a sliding window of one-second buckets; injected clock. */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly now: () => number,
    private readonly windowSec = 10,
  ) {
    this.buckets = new Array<number>(windowSec).fill(0);
    this.stamps = new Array<number>(windowSec).fill(-1);
  }

  mark(n = 1): void {
    const sec = Math.floor(this.now() / 1000);
    const i = sec % this.windowSec;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  perSecond(): number {
    const sec = Math.floor(this.now() / 1000);
    let sum = 0;
    for (let i = 0; i < this.windowSec; i++) {
      const s = this.stamps[i] as number;
      if (s > sec - this.windowSec && s <= sec) sum += this.buckets[i] as number;
    }
    return sum / this.windowSec;
  }
}
