import { describe, expect, it } from 'vitest';
import { batchOptionErrors, batchRequestSchema, parseBatchParams } from './batch';

describe('batch requests', () => {
  it('needs exactly one of nodes and selector', () => {
    expect(batchRequestSchema.safeParse({ kind: 'cordon' }).success).toBe(false);
    expect(batchRequestSchema.safeParse({ kind: 'cordon', nodes: ['a'], selector: 'x=y' }).success).toBe(
      false,
    );
    expect(batchRequestSchema.parse({ kind: 'cordon', nodes: ['a'] }).concurrency).toBe(10);
  });

  it('parses params by kind and names the bad field', () => {
    const drain = parseBatchParams(
      batchRequestSchema.parse({ kind: 'drain', selector: 'a=b', params: { timeoutSeconds: 5 } }),
    );
    expect(drain.ok && drain.value.kind === 'drain' && drain.value.params.ignoreDaemonSets).toBe(true);
    const bad = parseBatchParams(
      batchRequestSchema.parse({
        kind: 'taints',
        nodes: ['a'],
        params: { add: [{ key: 'k', effect: 'Never' }] },
      }),
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues[0]?.path.join('.')).toBe('params.add.0.effect');
  });

  it('names the field of a bad maxUnavailable or stopAfterFailures', () => {
    expect(batchOptionErrors({ kind: 'drain', maxUnavailable: 5, stopAfterFailures: 3 })).toEqual([]);
    expect(batchOptionErrors({ kind: 'drain', maxUnavailable: 0 })).toEqual([
      { field: 'maxUnavailable', message: 'must be a whole number from 1 to 10000 (got 0)' },
    ]);
    expect(batchOptionErrors({ kind: 'cordon', stopAfterFailures: 2.5 })[0]?.field).toBe('stopAfterFailures');
    expect(batchOptionErrors({ kind: 'labels', maxUnavailable: 3 })[0]).toMatchObject({
      field: 'maxUnavailable',
      message: expect.stringContaining('cordon and drain only'),
    });
  });
});
