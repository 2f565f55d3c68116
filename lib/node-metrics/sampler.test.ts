import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { NodeUsage } from '@/lib/protocol/node-usage';
import { NodeMetricsSampler } from './sampler';
import { UsageRing } from './usage-ring';

const summary = (pods: number) =>
  ({
    pods: { count: pods },
    static: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: {} },
  }) as unknown as NodeSummary;

function setup(opts: { fail?: Error } = {}) {
  const calls: number[] = [];
  let cpu = 100;
  const list = vi.fn((cluster: string) => {
    void cluster;
    calls.push(Date.now());
    if (opts.fail) return Promise.reject(opts.fail);
    cpu += 10;
    return Promise.resolve(
      new Map<string, NodeUsage>([
        ['a', { cpuMilli: cpu, memoryBytes: 2 ** 30 }],
        ['b', { cpuMilli: 1, memoryBytes: 1 }],
      ]),
    );
  });
  const sampler = new NodeMetricsSampler({
    list,
    node: (_c, name) => (name === 'a' ? summary(7) : undefined),
    intervalMs: 15_000,
    askTtlMs: 60_000,
    watchTtlMs: 120_000,
    historyMs: 3_600_000,
  });
  return { sampler, list, calls };
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('NodeMetricsSampler', () => {
  it('answers the asked names from one list, and lists at most once per interval', async () => {
    const { sampler, list } = setup();
    const r = await sampler.usage('c', ['a', 'missing']);
    expect(r.usage).toEqual({ a: { cpuMilli: 110, memoryBytes: 2 ** 30 } });
    expect(r.unavailable).toBeUndefined();
    expect(r.sampledAt).toBe(new Date(1_000_000).toISOString());
    await sampler.usage('c', ['b']);
    await vi.advanceTimersByTimeAsync(14_999);
    await sampler.usage('c', ['a']);
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(list).toHaveBeenCalledTimes(2);
    expect((await sampler.usage('c', ['a'])).usage.a?.cpuMilli).toBe(120);
    sampler.close();
  });

  it('stops sampling when nobody asks, and starts again on the next request', async () => {
    const { sampler, list } = setup();
    await sampler.usage('c', ['a']);
    // asked once: sampling goes on for askTtl (60 s: lists at 0, 15, 30, 45), then stops
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(list).toHaveBeenCalledTimes(5);
    expect(sampler.sampling('c')).toBe(false);
    await sampler.usage('c', ['a']);
    expect(list).toHaveBeenCalledTimes(6);
    expect(sampler.sampling('c')).toBe(true);
    sampler.close();
  });

  it('says why when the cluster serves no metrics, and never throws', async () => {
    const { sampler } = setup({ fail: Object.assign(new Error('404'), { code: 404 }) });
    const r = await sampler.usage('c', ['a']);
    expect(r.usage).toEqual({});
    expect(r.sampledAt).toBeNull();
    expect(r.unavailable?.code).toBe('not_served');
    expect(r.unavailable?.message).toMatch(/metrics\.k8s\.io/);
    const h = await sampler.history('c', 'a');
    expect(h.unavailable?.code).toBe('not_served');
    // pod counts come from the cache, so the pod chart still has points
    expect(h.pods.at(-1)).toBe(7);
    expect(h.cpuMilli.at(-1)).toBeNull();
    sampler.close();
  });

  it('keeps a watched node sampled into its history for watchTtl after the last request', async () => {
    const { sampler, list } = setup();
    const first = await sampler.history('c', 'a');
    expect(first.t).toEqual([1_000_000]);
    expect(first.cpuMilli).toEqual([110]);
    expect(first.allocatable).toEqual({ cpuMilli: 4000, memoryBytes: 8 * 2 ** 30, pods: 110 });
    await vi.advanceTimersByTimeAsync(60_000);
    const later = await sampler.history('c', 'a');
    expect(later.t.length).toBe(5);
    expect(later.cpuMilli).toEqual([110, 120, 130, 140, 150]);
    expect(later.pods.every((p) => p === 7)).toBe(true);
    // last asked at +60 s: watched until +180 s, so the last list starts at +180 s at the latest
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(list.mock.calls.length).toBeLessThanOrEqual(14);
    expect(sampler.sampling('c')).toBe(false);
    sampler.close();
  });

  it('answers without values when the first list is slow, and with them once it lands', async () => {
    let land: (m: Map<string, NodeUsage>) => void = () => undefined;
    const sampler = new NodeMetricsSampler({
      list: () => new Promise((resolve) => (land = resolve)),
      node: () => undefined,
      firstWaitMs: 5_000,
    });
    const asked = sampler.usage('c', ['a']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await asked).toMatchObject({ sampledAt: null, usage: {} });
    land(new Map([['a', { cpuMilli: 5, memoryBytes: 6 }]]));
    await vi.advanceTimersByTimeAsync(0);
    expect((await sampler.usage('c', ['a'])).usage).toEqual({ a: { cpuMilli: 5, memoryBytes: 6 } });
    sampler.close();
  });

  it('forgets a removed cluster', async () => {
    const { sampler, list } = setup();
    await sampler.usage('c', ['a']);
    sampler.forget('c');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(list).toHaveBeenCalledTimes(1);
    expect(sampler.sampling('c')).toBe(false);
  });
  describe('a large cluster', () => {
    function large() {
      const calls: (string[] | 'all')[] = [];
      let unavailable = false;
      const list = vi.fn((_c: string, names?: readonly string[]) => {
        calls.push(names ? [...names].sort() : 'all');
        if (unavailable) return Promise.reject(Object.assign(new Error('404'), { code: 404 }));
        const all = names ?? ['n1', 'n2', 'n3', 'n4'];
        return Promise.resolve(new Map(all.map((n) => [n, { cpuMilli: n.length, memoryBytes: 1 }] as const)));
      });
      const sampler = new NodeMetricsSampler({
        list,
        node: (_c, name) => (/^n\d$/.test(name) ? summary(1) : undefined),
        size: () => 65_000,
        targetedAbove: 2_000,
        maxTargeted: 3,
        intervalMs: 15_000,
        askTtlMs: 60_000,
      });
      return { sampler, calls, fail: () => (unavailable = true) };
    }

    it('reads only the asked names, and a newly asked name at once', async () => {
      const { sampler, calls } = large();
      expect(Object.keys((await sampler.usage('c', ['n1', 'n2'])).usage)).toEqual(['n1', 'n2']);
      // scrolled: n3 is new, read now on its own; n2 was read
      expect(Object.keys((await sampler.usage('c', ['n2', 'n3'])).usage)).toEqual(['n2', 'n3']);
      expect(calls).toEqual([['n1', 'n2'], ['n3']]);
      // the next sample reads every name asked within askTtl
      await vi.advanceTimersByTimeAsync(15_000);
      expect(calls.at(-1)).toEqual(['n1', 'n2', 'n3']);
      // asked only at the start: after askTtl the names drop out, and sampling stops
      await sampler.usage('c', ['n3']);
      await vi.advanceTimersByTimeAsync(61_000);
      expect(calls.at(-1)).toEqual(['n3']);
      sampler.close();
    });

    it('never reads names that are not nodes of the cluster', async () => {
      const { sampler, calls } = large();
      const r = await sampler.usage('c', ['n1', 'made-up', 'x'.repeat(60)]);
      expect(Object.keys(r.usage)).toEqual(['n1']);
      await sampler.usage('c', ['made-up-2']);
      await vi.advanceTimersByTimeAsync(15_000);
      expect(calls).toEqual([['n1'], ['n1']]);
      sampler.close();
    });

    it('lists every node again when more names are asked than maxTargeted', async () => {
      const { sampler, calls } = large();
      await sampler.usage('c', ['n1', 'n2', 'n3', 'n4']);
      expect(calls).toEqual(['all']);
      sampler.close();
    });

    it('says the API is not served when the named reads all fail', async () => {
      const { sampler, fail } = large();
      fail();
      expect((await sampler.usage('c', ['n1'])).unavailable?.code).toBe('not_served');
      sampler.close();
    });
  });
});

describe('UsageRing', () => {
  it('keeps the newest points up to its capacity, oldest first, from a start time', () => {
    const ring = new UsageRing(3);
    for (let t = 1; t <= 5; t++) ring.push({ t, cpuMilli: t * 10, memoryBytes: null, pods: t });
    expect(ring.columns(0)).toEqual({
      t: [3, 4, 5],
      cpuMilli: [30, 40, 50],
      memoryBytes: [null, null, null],
      pods: [3, 4, 5],
    });
    expect(ring.columns(4).t).toEqual([4, 5]);
  });
});
