import { describe, expect, it } from 'vitest';
import { batchRequestSchema, parseBatchParams } from './batch';

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
});
