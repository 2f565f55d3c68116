import { describe, expect, it } from 'vitest';
import { applyOperationProgress, isFinished, isRetryable } from './operation';

const progress = (over: Record<string, unknown>) => ({
  type: 'operation_progress' as const,
  timestamp: 't',
  cluster_name: 'c1',
  data: {
    operation_id: 'op1',
    kind: 'cordon',
    state: 'running' as const,
    total: 3,
    done: 0,
    failed: 0,
    ...over,
  },
});

describe('applyOperationProgress', () => {
  it('starts a status from the first message and records per-node results', () => {
    let op = applyOperationProgress(undefined, progress({}));
    expect(op).toMatchObject({ id: 'op1', cluster: 'c1', state: 'running', total: 3, done: 0 });
    op = applyOperationProgress(op, progress({ done: 1, node_name: 'a', node_result: { ok: true } }));
    op = applyOperationProgress(
      op,
      progress({ done: 2, failed: 1, node_name: 'b', node_result: { ok: false, message: 'PDB' } }),
    );
    expect(op.results).toEqual({
      a: { state: 'succeeded', message: undefined },
      b: { state: 'failed', message: 'PDB' },
    });
    expect(op.done).toBe(2);
  });

  it('never rewinds counters or leaves a finished state', () => {
    let op = applyOperationProgress(undefined, progress({ state: 'succeeded', done: 3 }));
    op = applyOperationProgress(op, progress({ state: 'running', done: 1 }));
    expect(op.state).toBe('succeeded');
    expect(op.done).toBe(3);
    expect(isFinished(op)).toBe(true);
  });
});

describe('applyOperationProgress across a retry', () => {
  it('an interrupted operation restarts with the next attempt; late messages of the old run are ignored', () => {
    let op = applyOperationProgress(undefined, progress({ state: 'interrupted', done: 1, attempt: 1 }));
    expect(isFinished(op)).toBe(true);
    expect(isRetryable({ ...op, results: { a: { state: 'succeeded' }, b: { state: 'interrupted' } } })).toBe(
      true,
    );
    op = applyOperationProgress(op, progress({ state: 'running', done: 1, attempt: 2 }));
    expect(op).toMatchObject({ state: 'running', attempt: 2, done: 1 });
    op = applyOperationProgress(op, progress({ state: 'interrupted', done: 1, attempt: 1 }));
    expect(op.state).toBe('running');
    op = applyOperationProgress(
      op,
      progress({ state: 'succeeded', done: 3, attempt: 2, node_name: 'b', node_result: { ok: true } }),
    );
    expect(op).toMatchObject({ state: 'succeeded', done: 3, results: { b: { state: 'succeeded' } } });
    expect(isRetryable({ ...op, results: { a: { state: 'succeeded' } } })).toBe(false);
  });
});

describe('operationStartedSchema', () => {
  it('accepts the 202 { operation } answer and a bare { id }', async () => {
    const { operationStartedSchema } = await import('./operation');
    const op = {
      id: 'op9',
      cluster: 'c1',
      kind: 'drain',
      state: 'running',
      total: 1,
      done: 0,
      failed: 0,
      results: {},
      user: 'u',
      params: {},
    };
    expect(operationStartedSchema.parse({ operation: op })).toMatchObject({
      id: 'op9',
      operation: { state: 'running' },
    });
    expect(operationStartedSchema.parse({ id: 'x' })).toEqual({ id: 'x' });
    expect(() => operationStartedSchema.parse({ operation: { id: 1 } })).toThrow();
  });
});

describe('applyOperationProgress for stopped batches and drains', () => {
  it('keeps skipped nodes as skipped, the reason of a stop, and the pods of a draining node', () => {
    const pods = [
      {
        namespace: 'a',
        name: 'web',
        state: 'waiting_pdb' as const,
        pdb: { name: 'web', disruptionsAllowed: 0 },
      },
    ];
    let op = applyOperationProgress(
      undefined,
      progress({ node_name: 'n1', pods, waiting: '5 of at most 5' }),
    );
    expect(op.pods).toEqual({ n1: pods });
    expect(op.waiting).toBe('5 of at most 5');
    op = applyOperationProgress(
      op,
      progress({
        state: 'stopped',
        done: 3,
        failed: 1,
        node_name: 'n3',
        node_result: { ok: false, state: 'skipped' },
        reason: 'stopped after 1 failed node',
      }),
    );
    expect(op.results.n3).toEqual({ state: 'skipped', message: undefined });
    expect(op).toMatchObject({ state: 'stopped', reason: 'stopped after 1 failed node', waiting: undefined });
    expect(isRetryable(op)).toBe(true);
  });
});
