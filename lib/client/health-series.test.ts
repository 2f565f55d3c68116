import { describe, expect, it } from 'vitest';
import type { ClusterHealthSample, HealthSample } from '@/lib/protocol/health';
import { clusterColumns, clusterNames, columns, stateSpans } from './health-series';

const cluster = (over: Partial<ClusterHealthSample> = {}): ClusterHealthSample => ({
  state: 'ready',
  nodes: 3,
  eventsPerSecond: 1,
  emittedPerSecond: 0.5,
  pushP50Ms: 1,
  pushP99Ms: 2,
  subscriptions: 1,
  watchRestarts: 0,
  ...over,
});

const sample = (t: number, clusters: Record<string, ClusterHealthSample>): HealthSample => ({
  t,
  connections: { ws: 1, sse: 2 },
  messagesPerSecond: 3,
  heapUsedBytes: 5,
  clusters,
});

const samples = [
  sample(1000, { a: cluster({ state: 'syncing' }) }),
  sample(2000, { a: cluster(), b: cluster({ eventsPerSecond: 7 }) }),
  sample(3000, { a: cluster({ state: 'degraded' }), b: cluster() }),
  sample(4000, { b: cluster() }),
];

describe('health series', () => {
  it('builds uPlot columns in unix seconds', () => {
    expect(columns(samples, [(s) => s.connections.ws, (s) => s.messagesPerSecond])).toEqual([
      [1, 2, 3, 4],
      [1, 1, 1, 1],
      [3, 3, 3, 3],
    ]);
  });

  it('leaves gaps where a cluster is absent', () => {
    expect(clusterColumns(samples, 'b', [(c) => c.eventsPerSecond])).toEqual([
      [1, 2, 3, 4],
      [null, 7, 1, 1],
    ]);
  });

  it('lists every cluster of the window, newest first', () => {
    expect(clusterNames(samples)).toEqual(['b', 'a']);
  });

  it('merges consecutive states into spans', () => {
    expect(stateSpans(samples, 'a')).toEqual([
      { state: 'syncing', from: 1000, to: 1000 },
      { state: 'ready', from: 2000, to: 2000 },
      { state: 'degraded', from: 3000, to: 3000 },
      { state: 'absent', from: 4000, to: 4000 },
    ]);
  });
});
