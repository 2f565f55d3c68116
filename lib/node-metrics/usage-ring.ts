export interface UsagePoint {
  /** epoch ms */
  t: number;
  cpuMilli: number | null;
  memoryBytes: number | null;
  pods: number | null;
}

/** A node's last hour of samples: fixed capacity, the oldest overwritten first. */
export class UsageRing {
  private readonly points: (UsagePoint | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.points = new Array<UsagePoint | undefined>(capacity);
  }

  push(p: UsagePoint): void {
    this.points[this.next] = p;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Points at or after `since`, oldest first, as columns (uPlot's shape). */
  columns(since: number): {
    t: number[];
    cpuMilli: (number | null)[];
    memoryBytes: (number | null)[];
    pods: (number | null)[];
  } {
    const out = {
      t: [] as number[],
      cpuMilli: [] as (number | null)[],
      memoryBytes: [] as (number | null)[],
      pods: [] as (number | null)[],
    };
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const p = this.points[(start + i) % this.capacity];
      if (!p || p.t < since) continue;
      out.t.push(p.t);
      out.cpuMilli.push(p.cpuMilli);
      out.memoryBytes.push(p.memoryBytes);
      out.pods.push(p.pods);
    }
    return out;
  }
}
