import { describe, expect, it } from 'vitest';
import { UnavailabilityGate } from './max-unavailable';
import { OperationRunner } from './operation-runner';
import { operationFixture } from './testing';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A tiny cluster: the set of cordoned nodes, written by the "executor" like a cordon would. */
function cluster(initiallyCordoned: string[] = []) {
  const cordoned = new Set(initiallyCordoned);
  let peak = cordoned.size;
  return {
    cordoned,
    get peak() {
      return peak;
    },
    cordon(node: string) {
      cordoned.add(node);
      peak = Math.max(peak, cordoned.size);
    },
    gate: (max: number) =>
      new UnavailabilityGate({ max, unschedulable: () => Promise.resolve(new Set(cordoned)), pollMs: 5 }),
  };
}

describe('max unavailable', () => {
  it('never has more than max nodes unschedulable, counting ones cordoned before the batch', async () => {
    const c = cluster(['x1', 'x2']);
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const waits: string[] = [];
    const runner = new OperationRunner({ onProgress: (op) => op.waiting && waits.push(op.waiting) });
    // "maintenance" uncordons each node a little after the batch cordoned it
    const op = runner.start(
      { cluster: 'c', kind: 'cordon', user: 'u', params: {}, nodes, concurrency: 10, maxUnavailable: 5 },
      async (node) => {
        c.cordon(node);
        setTimeout(() => c.cordoned.delete(node), 15);
        await sleep(2);
        return { ok: true };
      },
      { gate: c.gate(5) },
    );
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('succeeded');
    expect(c.peak).toBe(5);
    expect(waits[0]).toMatch(/^5 of at most 5 nodes unavailable/);
    expect(done.waiting).toBeUndefined();
  });

  it('nodes take free slots in their order, whatever the concurrency', async () => {
    const c = cluster();
    const nodes = Array.from({ length: 12 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const started: string[] = [];
    const runner = new OperationRunner();
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes, concurrency: 10, maxUnavailable: 2 },
      async (node) => {
        started.push(node);
        c.cordon(node);
        setTimeout(() => c.cordoned.delete(node), 3 + Math.random() * 10);
        await sleep(Math.random() * 5);
        return { ok: true };
      },
      { gate: c.gate(2) },
    );
    await runner.wait(op.id);
    expect(started).toEqual(nodes);
    expect(c.peak).toBe(2);
  });

  it('a node already cordoned starts without taking a slot', async () => {
    const c = cluster(['a', 'b']);
    const runner = new OperationRunner();
    const started: string[] = [];
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes: ['a', 'b', 'c'], concurrency: 3 },
      (node) => (started.push(node), c.cordon(node), Promise.resolve({ ok: true })),
      { gate: c.gate(2) },
    );
    await sleep(40);
    // a and b are unschedulable already; c would make three
    expect(started.sort()).toEqual(['a', 'b']);
    expect(runner.get(op.id)?.waiting).toMatch(/2 of at most 2/);
    c.cordoned.delete('a');
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('succeeded');
    expect(started.sort()).toEqual(['a', 'b', 'c']);
  });

  it('a cancel ends a batch waiting for a slot; the waiting nodes never start', async () => {
    const c = cluster(['z']);
    const runner = new OperationRunner();
    const op = runner.start(
      { cluster: 'c', kind: 'cordon', user: 'u', params: {}, nodes: ['a', 'b'], concurrency: 2 },
      (node) => (c.cordon(node), Promise.resolve({ ok: true })),
      { gate: c.gate(1) },
    );
    await sleep(20);
    runner.cancel(op.id);
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('cancelled');
    expect(done.results).toEqual({ a: { state: 'cancelled' }, b: { state: 'cancelled' } });
    expect(c.cordoned).toEqual(new Set(['z']));
  });
});

describe('stop after failures', () => {
  it('stops starting nodes at the limit, lets nodes in flight finish, skips the rest and says why', async () => {
    const runner = new OperationRunner();
    const nodes = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const started: string[] = [];
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes, concurrency: 2, stopAfterFailures: 3 },
      async (node) => {
        started.push(node);
        await sleep(3);
        return Number(node.slice(1)) % 2 === 0 ? { ok: false, message: 'blocked' } : { ok: true };
      },
    );
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('stopped');
    expect(done.failed).toBe(3);
    const states = Object.values(done.results).map((r) => r.state);
    expect(states.filter((s) => s === 'skipped').length).toBe(30 - started.length);
    expect(states).not.toContain('pending');
    expect(started.length).toBeLessThanOrEqual(7);
    expect(done.done).toBe(30);
    expect(done.reason).toMatch(
      /^stopped after 3 failed nodes \(stop after 3 failures\); \d+ nodes skipped$/,
    );
  });

  it('a retry counts only its own failures', async () => {
    const runner = new OperationRunner();
    const op = runner.resume(
      operationFixture(
        {
          a: { state: 'failed' },
          b: { state: 'failed' },
          c: { state: 'pending' },
          d: { state: 'pending' },
        },
        { kind: 'cordon', concurrency: 1, stopAfterFailures: 2, attempt: 2 },
      ),
      ['c', 'd'],
      () => Promise.resolve({ ok: true }),
    );
    expect((await runner.wait(op.id))?.state).toBe('failed');
    expect(runner.get('op1')?.results.d).toEqual({ state: 'succeeded' });
  });
});
