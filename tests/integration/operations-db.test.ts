import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, openTestDatabase, type TestDatabase } from '@/lib/db/testing';
import type { Operation } from '@/lib/operations/operation-runner';
import { OperationStore } from '@/lib/operations/operation-store';

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

describe.each(ENGINES)('OperationStore on %s', (engine) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('coalesces saves so the latest state wins, and passes cancels between replicas', async () => {
    t = await openTestDatabase(engine);
    let now = 10_000;
    const mine = new OperationStore(t.db, 'replica-a', () => now);
    const theirs = new OperationStore(t.db, 'replica-b', () => now);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => mine.save(op('11111111-1111-4111-8111-111111111111', i + 1))),
    );
    expect((await theirs.get('11111111-1111-4111-8111-111111111111'))?.done).toBe(50);

    expect(await theirs.requestCancel('11111111-1111-4111-8111-111111111111')).toBe(true);
    expect(await mine.cancelRequests()).toEqual(['11111111-1111-4111-8111-111111111111']);
    expect(await theirs.cancelRequests()).toEqual([]);

    await mine.save(op('11111111-1111-4111-8111-111111111111', 50, 'cancelled'));
    await mine.flushed();
    expect(await mine.cancelRequests()).toEqual([]);
    expect(await theirs.requestCancel('11111111-1111-4111-8111-111111111111')).toBe(false);

    now += 8 * 86_400_000;
    await mine.prune(7 * 86_400_000);
    expect(await theirs.get('11111111-1111-4111-8111-111111111111')).toBeUndefined();
  });
});
