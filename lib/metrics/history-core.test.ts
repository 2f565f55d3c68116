import { describe, expect, it } from 'vitest';
import { SampleRing, quantileBetween, toSample, type Buckets, type RawReading } from './history-core';

const buckets = (counts: number[], les = [0.001, 0.01, 0.1, 1, Infinity]): Buckets =>
  les.map((le, i) => [le, counts[i] ?? 0]);

describe('quantileBetween', () => {
  it('interpolates inside the bucket like histogram_quantile', () => {
    // 100 observations: 50 ≤ 1 ms, 40 in (1, 10] ms, 10 in (10, 100] ms
    const after = buckets([50, 90, 100, 100, 100]);
    expect(quantileBetween(0.5, undefined, after)).toBeCloseTo(0.001);
    expect(quantileBetween(0.9, undefined, after)).toBeCloseTo(0.01);
    expect(quantileBetween(0.95, undefined, after)).toBeCloseTo(0.01 + 0.09 * 0.5);
  });

  it('uses only the observations between the two readings', () => {
    const before = buckets([50, 90, 100, 100, 100]);
    const after = buckets([50, 90, 100, 110, 110]); // 10 new ones, all in (0.1, 1]
    expect(quantileBetween(0.5, before, after)).toBeCloseTo(0.55);
  });

  it('is null without new observations and falls back to the last finite bound for +Inf', () => {
    const b = buckets([1, 1, 1, 1, 1]);
    expect(quantileBetween(0.99, b, b)).toBeNull();
    expect(quantileBetween(0.99, undefined, buckets([0, 0, 0, 0, 5]))).toBe(1);
  });
});

const reading = (t: number, received: number, messages: number, delivery: Buckets): RawReading => ({
  t,
  connections: { ws: 2, sse: 1 },
  messagesSent: messages,
  heapUsedBytes: 1000,
  clusters: {
    demo: {
      state: 'ready',
      nodes: 10,
      received,
      emitted: received / 2,
      subscriptions: 3,
      watchRestarts: 0,
      delivery,
    },
  },
});

describe('toSample', () => {
  it('turns counters into per-second rates over the interval', () => {
    const s = toSample(
      reading(0, 100, 10, buckets([0, 0, 0, 0, 0])),
      reading(5000, 150, 60, buckets([4, 4, 4, 4, 4])),
    );
    expect(s.clusters.demo).toMatchObject({ eventsPerSecond: 10, emittedPerSecond: 5, subscriptions: 3 });
    expect(s.messagesPerSecond).toBe(10);
    expect(s.clusters.demo!.pushP99Ms).toBeCloseTo(0.99, 2);
    expect(s.heapUsedBytes).toBe(1000);
  });

  it('reports 0 rather than a negative rate after a counter reset', () => {
    const s = toSample(reading(0, 100, 10, buckets([])), reading(1000, 5, 1, buckets([])));
    expect(s.clusters.demo!.eventsPerSecond).toBe(0);
    expect(s.messagesPerSecond).toBe(0);
  });
});

describe('SampleRing', () => {
  it('keeps the newest `capacity` items', () => {
    const r = new SampleRing<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    expect(r.toArray()).toEqual([2, 3, 4]);
  });
});
