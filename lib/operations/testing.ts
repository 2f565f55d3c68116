import { recount, type Operation } from './operation-state';

/** An operation over `results` (counters recomputed), for unit tests; `over` replaces any field. */
export function operationFixture(results: Operation['results'], over: Partial<Operation> = {}): Operation {
  return recount({
    id: 'op1',
    cluster: 'c',
    kind: 'drain',
    user: 'u',
    params: {},
    concurrency: 2,
    state: 'running',
    total: Object.keys(results).length,
    done: 0,
    failed: 0,
    results,
    createdAt: new Date(0).toISOString(),
    ...over,
  });
}
