import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import type { Operation } from '@/lib/operations/operation-runner';
import { OperationStore } from '@/lib/operations/operation-store';
import { retryPlan } from '@/lib/operations/operation-state';

const ID = '11111111-1111-4111-8111-111111111111';
const op = (id: string, done: number, state: Operation['state'] = 'running'): Operation => ({
  id,
  cluster: 'c',
  kind: 'cordon',
  user: 'alice',
  params: {},
  concurrency: 2,
  state,
  total: 50,
  done,
  failed: 0,
  results: {},
  createdAt: new Date(1_000).toISOString(),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)('OperationStore on %s', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('coalesces saves so the latest state wins, and passes cancels between replicas', async () => {
    t = await openTestDatabase(engine);
    let now = 10_000;
    const mine = new OperationStore(t.db, 'replica-a', { now: () => now });
    const theirs = new OperationStore(t.db, 'replica-b', { now: () => now });
    await Promise.all(Array.from({ length: 50 }, (_, i) => mine.save(op(ID, i + 1))));
    expect((await theirs.get(ID))?.done).toBe(50);

    expect(await theirs.requestCancel(ID)).toBe(true);
    expect(await mine.cancelRequests()).toEqual([ID]);
    expect(await theirs.cancelRequests()).toEqual([]);

    await mine.save(op(ID, 50, 'cancelled'));
    await mine.flushed();
    expect(await mine.cancelRequests()).toEqual([]);
    expect(await theirs.requestCancel(ID)).toBe(false);

    now += 8 * 86_400_000;
    await mine.prune(7 * 86_400_000);
    expect(await theirs.get(ID)).toBeUndefined();
  });

  it('leases: renewed by the owner, reaped once expired with results kept, then claimed by exactly one replica', async () => {
    t = await openTestDatabase(engine);
    const lost: string[] = [];
    const a = new OperationStore(t.db, 'replica-a', { leaseMs: 1_000, onLost: (id) => lost.push(id) });
    const b = new OperationStore(t.db, 'replica-b', { leaseMs: 1_000 });
    const c = new OperationStore(t.db, 'replica-c', { leaseMs: 1_000 });
    const running: Operation = {
      ...op(ID, 1),
      total: 3,
      attempt: 1,
      results: { n1: { state: 'succeeded' }, n2: { state: 'running' }, n3: { state: 'pending' } },
    };
    await a.save(running);
    // renewed in time: nobody may reap it
    for (let i = 0; i < 3; i++) {
      await sleep(400);
      expect(await a.renew(running)).toBe(true);
      expect(await b.reapExpired()).toEqual([]);
    }
    // a stops renewing (it died): after the lease every replica may try to reap, one succeeds
    await sleep(1_100);
    const reaped = (await Promise.all([b.reapExpired(), c.reapExpired()])).flat();
    expect(reaped).toHaveLength(1);
    expect(reaped[0]).toMatchObject({
      state: 'interrupted',
      done: 1,
      results: { n1: { state: 'succeeded' }, n2: { state: 'interrupted' }, n3: { state: 'pending' } },
    });
    expect(await b.get(ID)).toMatchObject({ state: 'interrupted', attempt: 1 });

    // the old owner comes back: its lease is gone and its writes are refused (fencing)
    expect(await a.renew(running)).toBe(false);
    await a.save({ ...running, done: 2 });
    expect(lost).toEqual([ID]);
    expect((await b.get(ID))?.state).toBe('interrupted');

    // two replicas retry at once: exactly one claims attempt 2
    const stored = (await b.get(ID))!;
    const plan = retryPlan(stored);
    if (!plan.ok) throw new Error(plan.message);
    const claims = await Promise.all([b.claim(plan.next, 1), c.claim(plan.next, 1)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims[0] ? b : c;
    expect(await winner.get(ID)).toMatchObject({ state: 'running', attempt: 2 });
    expect(await a.renew({ id: ID, attempt: 1 })).toBe(false);
    await winner.save({ ...plan.next, state: 'succeeded', done: 3 });
    await winner.flushed();
    expect(await a.get(ID)).toMatchObject({ state: 'succeeded', done: 3, attempt: 2 });
  });
});
