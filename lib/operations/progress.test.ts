import { describe, expect, it } from 'vitest';
import { encodeBusEnvelope } from '@/lib/protocol/bus';
import { isProgressWorthPushing, operationProgressMessage } from './progress';
import { operationFixture } from './testing';

describe('operation progress messages', () => {
  it('names skipped nodes and says why a batch stopped', () => {
    const op = operationFixture(
      { a: { state: 'failed', message: 'x' }, b: { state: 'skipped' } },
      { state: 'stopped', reason: 'stopped after 1 failed node (stop after 1 failures); 1 node skipped' },
    );
    const m = operationProgressMessage(op, 'b');
    expect(m.data.node_result).toEqual({ ok: false, message: undefined, state: 'skipped' });
    expect(m.data.reason).toMatch(/^stopped after 1 failed node/);
  });

  it('pushes a draining node’s pods, those in progress first, within the control bus payload', () => {
    const pods = Array.from({ length: 300 }, (_, i) => ({
      namespace: 'apps',
      name: `pod-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`,
      state: i < 250 ? ('gone' as const) : ('waiting_pdb' as const),
      pdb: i < 250 ? undefined : { name: 'budget', disruptionsAllowed: 0 },
      message: 'The disruption budget budget needs 5 healthy pods and has 5 currently'.repeat(5),
    }));
    const op = operationFixture({ n1: { state: 'running' } }, { pods: { n1: pods } });
    expect(isProgressWorthPushing(op, 'n1')).toBe(true);
    const m = operationProgressMessage(op, 'n1');
    expect(m.data.pods?.[0]?.state).toBe('waiting_pdb');
    expect(m.data.pods!.length).toBeLessThan(300);
    // the message travels over the bus: encoding refuses anything over the NOTIFY limit
    expect(() =>
      encodeBusEnvelope({ v: 1, from: 'a', at: 0, msg: { type: 'push.message', message: m } }),
    ).not.toThrow();
    // a node that merely started is stored, not pushed
    expect(isProgressWorthPushing(operationFixture({ n1: { state: 'running' } }), 'n1')).toBe(false);
  });
});
