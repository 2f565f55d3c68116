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
});
