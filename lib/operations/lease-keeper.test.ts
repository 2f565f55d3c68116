import { describe, expect, it } from 'vitest';
import { LeaseKeeper } from './lease-keeper';
import { OperationRunner } from './operation-runner';
import type { Operation } from './operation-state';
import type { OperationStore } from './operation-store';

function fakeStore(over: Partial<Record<'renew' | 'reapExpired', unknown>> = {}) {
  const calls = { renew: 0, reap: 0 };
  let held = true;
  const store = {
    leaseMs: 3_000,
    renew: () => (calls.renew++, Promise.resolve(held)),
    reapExpired: () => (calls.reap++, Promise.resolve([] as Operation[])),
    ...over,
  } as unknown as OperationStore;
  return { store, calls, lose: () => (held = false) };
}

/** a node action that only ends when aborted, like a drain waiting on a PodDisruptionBudget */
const untilAborted = (_node: string, signal: AbortSignal) =>
  new Promise<{ ok: boolean }>((_resolve, reject) =>
    signal.addEventListener('abort', () => reject(new Error('aborted'))),
  );

describe('LeaseKeeper', () => {
  it('lets nodes start while half the lease is left, renews first after that, refuses a lost lease', async () => {
    let t = 0;
    const { store, calls, lose } = fakeStore();
    const runner = new OperationRunner();
    const keeper = new LeaseKeeper({ store, runner, onReaped: () => undefined, now: () => t });
    const op = { id: 'op1', attempt: 1 } as Operation;
    expect(await keeper.beforeNode(op)).toBe(true); // just inserted or claimed
    t += 1_400;
    expect(await keeper.beforeNode(op)).toBe(true);
    expect(calls.renew).toBe(0);
    t += 200; // 1.6 s since the lease was taken: renew before starting a node
    expect(await keeper.beforeNode(op)).toBe(true);
    expect(calls.renew).toBe(1);
    t += 1_600;
    lose();
    expect(await keeper.beforeNode(op)).toBe(false);
  });

  it('each round renews the operations running here, interrupts one whose lease is gone, and reaps', async () => {
    const reaped: Operation[] = [];
    const dead = { id: 'dead', state: 'interrupted' } as Operation;
    const { store, calls, lose } = fakeStore({ reapExpired: () => Promise.resolve([dead]) });
    const runner = new OperationRunner();
    const keeper = new LeaseKeeper({ store, runner, onReaped: (o) => reaped.push(o) });
    const op = runner.start(
      { cluster: 'c', kind: 'drain', user: 'u', params: {}, nodes: ['a', 'b'], concurrency: 1 },
      untilAborted,
    );
    await keeper.tick();
    expect(calls.renew).toBe(1);
    expect(reaped).toEqual([dead]);
    expect(runner.get(op.id)?.state).toBe('running');
    lose();
    await keeper.tick();
    const done = (await runner.wait(op.id))!;
    expect(done.state).toBe('interrupted');
    expect(done.results.a).toMatchObject({ state: 'interrupted' });
    expect(done.results.b).toEqual({ state: 'pending' });
  });
});
