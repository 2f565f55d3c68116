import { describe, expect, it } from 'vitest';
import { OperationRunner, type Operation } from './operation-runner';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OperationRunner', () => {
  it('respects the concurrency limit and records per-node results', async () => {
    let running = 0;
    let peak = 0;
    const progress: number[] = [];
    const runner = new OperationRunner({ onProgress: (op) => progress.push(op.done) });
    const nodes = Array.from({ length: 30 }, (_, i) => `n${i}`);
    const op = runner.start(
      { cluster: 'c', kind: 'cordon', user: 'u', params: {}, nodes, concurrency: 4 },
      async (node) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(2);
        running--;
        return node === 'n7' ? { ok: false, message: 'forbidden' } : { ok: true };
      },
    );
    const done = (await runner.wait(op.id)) as Operation;
    expect(peak).toBe(4);
    expect(done.state).toBe('failed');
    expect(done.done).toBe(30);
    expect(done.failed).toBe(1);
    expect(done.results.n7).toEqual({ state: 'failed', message: 'forbidden' });
    expect(done.results.n8?.state).toBe('succeeded');
    expect(progress.at(-1)).toBe(30);
  });

  it('cancels: running nodes see the abort, pending ones are marked cancelled', async () => {
    const runner = new OperationRunner();
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes: ['a', 'b', 'c'], concurrency: 1 },
      (_n, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    await sleep(5);
    runner.cancel(op.id);
    const done = (await runner.wait(op.id)) as Operation;
    expect(done.state).toBe('cancelled');
    expect(done.results).toEqual({
      a: { state: 'cancelled', message: 'aborted' },
      b: { state: 'cancelled' },
      c: { state: 'cancelled' },
    });
  });

  it('a throwing progress listener does not stop the operation', async () => {
    const runner = new OperationRunner({
      onProgress: () => {
        throw new Error('listener');
      },
    });
    const op = runner.start(
      { cluster: 'c', kind: 'x', user: 'u', params: {}, nodes: ['a'], concurrency: 2 },
      () => Promise.resolve({ ok: true }),
    );
    expect((await runner.wait(op.id))?.state).toBe('succeeded');
  });

  it('shutdown: no new node starts, in-flight ones finish within the grace, the operation is handed over', async () => {
    const runner = new OperationRunner();
    const started: string[] = [];
    const op = runner.start(
      { cluster: 'c', kind: 'cordon', user: 'u', params: {}, nodes: ['a', 'b', 'c', 'd'], concurrency: 2 },
      async (node) => {
        started.push(node);
        await sleep(30);
        return { ok: true };
      },
    );
    await sleep(5);
    await runner.shutdown(1_000);
    const done = runner.get(op.id)!;
    expect(started).toEqual(['a', 'b']);
    expect(done.state).toBe('interrupted');
    expect(done.results).toEqual({
      a: { state: 'succeeded' },
      b: { state: 'succeeded' },
      c: { state: 'pending' },
      d: { state: 'pending' },
    });
    expect(done.done).toBe(2);
  });

  it('shutdown: nodes still in flight after the grace are aborted and marked interrupted', async () => {
    const runner = new OperationRunner();
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes: ['a', 'b'], concurrency: 1 },
      (_n, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    await sleep(5);
    const t0 = Date.now();
    await runner.shutdown(50);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const done = runner.get(op.id)!;
    expect(done.state).toBe('interrupted');
    expect(done.results.a).toMatchObject({ state: 'interrupted' });
    expect(done.results.b).toEqual({ state: 'pending' });
    expect(done.done).toBe(0);
  });

  it('a lost lease (beforeNode false) interrupts before the next node starts', async () => {
    let allowed = 2;
    const runner = new OperationRunner({ beforeNode: () => allowed-- > 0 });
    const op = runner.start(
      { cluster: 'c', kind: 'cordon', user: 'u', params: {}, nodes: ['a', 'b', 'c'], concurrency: 1 },
      () => Promise.resolve({ ok: true }),
    );
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('interrupted');
    expect(Object.values(done.results).map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'pending']);
  });

  it('resume runs only the given nodes of a claimed operation and keeps the other results', async () => {
    const runner = new OperationRunner();
    const ran: string[] = [];
    const op = runner.resume(
      {
        id: 'op1',
        cluster: 'c',
        kind: 'cordon',
        user: 'u',
        params: {},
        concurrency: 2,
        state: 'running',
        total: 3,
        done: 1,
        failed: 0,
        attempt: 2,
        results: { a: { state: 'succeeded' }, b: { state: 'pending' }, c: { state: 'pending' } },
        createdAt: new Date(0).toISOString(),
      },
      ['b', 'c'],
      (node) => (ran.push(node), Promise.resolve({ ok: true })),
    );
    const done = (await runner.wait(op.id))!;
    expect(ran.sort()).toEqual(['b', 'c']);
    expect(done).toMatchObject({ state: 'succeeded', done: 3, total: 3, attempt: 2 });
  });
});
