import type { ClusterHealthSample, HealthSample } from '@/lib/protocol/health';

/** Cumulative histogram buckets: upper bound (Infinity for +Inf) → observations at or below it. */
export type Buckets = Array<[le: number, count: number]>;

/** Raw counter and gauge values read from the registry at one instant. */
export interface RawReading {
  t: number;
  connections: { ws: number; sse: number };
  messagesSent: number;
  heapUsedBytes: number | null;
  clusters: Record<
    string,
    {
      state: ClusterHealthSample['state'];
      nodes: number;
      received: number;
      emitted: number;
      subscriptions: number;
      watchRestarts: number;
      delivery: Buckets;
    }
  >;
}

/**
 * The q-quantile of the observations between two cumulative bucket readings, interpolated linearly
 * inside the bucket like PromQL's histogram_quantile; null when nothing was observed in between.
 */
export function quantileBetween(q: number, before: Buckets | undefined, after: Buckets): number | null {
  const prev = new Map(before ?? []);
  const deltas = after
    .map(([le, c]): [number, number] => [le, Math.max(0, c - (prev.get(le) ?? 0))])
    .sort((a, b) => a[0] - b[0]);
  const total = deltas[deltas.length - 1]?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of deltas) {
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      const inBucket = cumulative - below;
      return inBucket <= 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

const rate = (cur: number, prev: number | undefined, seconds: number) =>
  prev === undefined || seconds <= 0 || cur < prev ? 0 : (cur - prev) / seconds;

const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1e6) / 1e3);

/** Turns two consecutive readings into one sample of rates and quantiles over the interval between them. */
export function toSample(prev: RawReading | undefined, cur: RawReading): HealthSample {
  const seconds = prev ? (cur.t - prev.t) / 1000 : 0;
  const clusters: HealthSample['clusters'] = {};
  for (const [name, c] of Object.entries(cur.clusters)) {
    const p = prev?.clusters[name];
    clusters[name] = {
      state: c.state,
      nodes: c.nodes,
      eventsPerSecond: rate(c.received, p?.received, seconds),
      emittedPerSecond: rate(c.emitted, p?.emitted, seconds),
      pushP50Ms: ms(quantileBetween(0.5, p?.delivery, c.delivery)),
      pushP99Ms: ms(quantileBetween(0.99, p?.delivery, c.delivery)),
      subscriptions: c.subscriptions,
      watchRestarts: c.watchRestarts,
    };
  }
  return {
    t: cur.t,
    connections: cur.connections,
    messagesPerSecond: rate(cur.messagesSent, prev?.messagesSent, seconds),
    heapUsedBytes: cur.heapUsedBytes,
    clusters,
  };
}

/** Fixed-size window of samples, oldest first. */
export class SampleRing<T> {
  private readonly items: T[] = [];
  constructor(private readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  toArray(): T[] {
    return [...this.items];
  }
}
