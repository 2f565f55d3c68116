import { describe, expect, it } from 'vitest';
import { PodIndex, podRequests } from './pod-index';
import { rawPod } from './testing/node-fixture';

describe('PodIndex', () => {
  it('aggregates requests and phases per node, moving pods between nodes', () => {
    const idx = new PodIndex();
    expect(idx.upsert(rawPod({ name: 'p1', node: 'a', cpu: '250m', memory: '1Gi' }))).toEqual(['a']);
    idx.upsert(rawPod({ name: 'p2', node: 'a', cpu: '1', memory: '1Gi', phase: 'Pending' }));
    idx.upsert(rawPod({ name: 'p3', node: 'a', phase: 'Succeeded' }));
    expect(idx.statsFor('a')).toEqual({
      count: 2,
      cpuRequestsMilli: 1250,
      memoryRequestsBytes: 2 * 2 ** 30,
      phases: { Running: 1, Pending: 1, Succeeded: 1 },
    });
    expect(idx.upsert(rawPod({ name: 'p1', node: 'a', cpu: '250m', memory: '1Gi', rv: 2 }))).toEqual([]);
    expect(idx.upsert(rawPod({ name: 'p2', node: 'b', cpu: '1', memory: '1Gi' })).sort()).toEqual(['a', 'b']);
    expect(idx.delete(rawPod({ name: 'p3' }))).toEqual(['a']);
    expect(idx.statsFor('a')).toEqual({
      count: 1,
      cpuRequestsMilli: 250,
      memoryRequestsBytes: 2 ** 30,
      phases: { Running: 1 },
    });
    expect(idx.statsFor('zzz').count).toBe(0);
  });
  it('ignores unscheduled pods and rebuilds from a list', () => {
    const idx = new PodIndex();
    expect(idx.upsert(rawPod({ name: 'p', phase: 'Pending' }))).toEqual([]);
    idx.upsert(rawPod({ name: 'q', node: 'a' }));
    const touched = idx.replaceAll([rawPod({ name: 'r', node: 'b' })]);
    expect(touched.sort()).toEqual(['a', 'b']);
    expect(idx.statsFor('a').count).toBe(0);
    expect(idx.podCount).toBe(1);
  });
  it('computes scheduler-style effective requests', () => {
    expect(
      podRequests({
        spec: {
          containers: [
            { resources: { requests: { cpu: '100m' } } },
            { resources: { requests: { cpu: '200m' } } },
          ],
          initContainers: [{ resources: { requests: { cpu: '500m', memory: '1Mi' } } }],
          overhead: { cpu: '10m' },
        },
      }),
    ).toEqual({ cpu: 510, mem: 2 ** 20 });
  });
});
