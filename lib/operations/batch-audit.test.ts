import { describe, expect, it } from 'vitest';
import { operationOutcome } from './batch-audit';
import type { Operation } from './operation-state';
import { operationFixture } from './testing';

const op = (state: Operation['state'], results: Operation['results'], reason?: string): Operation =>
  operationFixture(results, { state, ...(reason ? { reason } : {}) });

describe('operationOutcome', () => {
  it('success only when every node succeeded', () => {
    expect(operationOutcome(op('succeeded', { a: { state: 'succeeded' } }))).toEqual({
      result: 'success',
      summary: null,
    });
  });

  it('partial when some failed, failure when none succeeded, with counts and the first failure', () => {
    const partial = operationOutcome(
      op('failed', { a: { state: 'succeeded' }, b: { state: 'failed', message: 'PDB db-guard' } }),
    );
    expect(partial).toEqual({
      result: 'partial',
      summary: '1 succeeded, 1 failed of 2 nodes; first failure b: PDB db-guard',
    });
    expect(operationOutcome(op('failed', { b: { state: 'failed' } })).result).toBe('failure');
  });

  it('stopped and cancelled say why', () => {
    const stopped = operationOutcome(
      op(
        'stopped',
        {
          a: { state: 'failed', message: 'x' },
          b: { state: 'failed', message: 'y' },
          c: { state: 'skipped' },
        },
        'stopped after 2 failed nodes (stop after 2 failures); 1 node skipped',
      ),
    );
    expect(stopped.result).toBe('stopped');
    expect(stopped.summary).toBe(
      '0 succeeded, 2 failed, 1 skipped of 3 nodes; stopped after 2 failed nodes (stop after 2 failures); 1 node skipped; first failure a: x',
    );
    expect(operationOutcome(op('cancelled', { a: { state: 'cancelled' } })).result).toBe('cancelled');
    expect(operationOutcome(op('interrupted', { a: { state: 'interrupted' } })).summary).toMatch(
      /^0 succeeded, 1 unfinished of 1 node/,
    );
  });
});
