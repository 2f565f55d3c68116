import { describe, expect, it } from 'vitest';
import { markInterrupted, retryPlan } from './operation-state';
import { operationFixture } from './testing';

const op = operationFixture;

describe('markInterrupted', () => {
  it('keeps finished results, marks in-flight nodes interrupted and leaves pending ones', () => {
    const out = markInterrupted(
      op({
        a: { state: 'succeeded' },
        b: { state: 'failed', message: 'PDB' },
        c: { state: 'running' },
        d: { state: 'pending' },
      }),
      'replica lost',
      new Date(5_000),
    );
    expect(out).toMatchObject({
      state: 'interrupted',
      done: 2,
      failed: 1,
      finishedAt: new Date(5_000).toISOString(),
      results: {
        a: { state: 'succeeded' },
        b: { state: 'failed', message: 'PDB' },
        c: { state: 'interrupted', message: 'replica lost' },
        d: { state: 'pending' },
      },
    });
  });
});

describe('retryPlan', () => {
  const interrupted = op(
    {
      a: { state: 'succeeded' },
      b: { state: 'failed', message: 'PDB' },
      c: { state: 'interrupted' },
      d: { state: 'pending' },
      e: { state: 'cancelled' },
    },
    { state: 'interrupted', attempt: 1, finishedAt: 'x' },
  );

  it('runs every node that did not finish, keeps the rest, and starts the next attempt', () => {
    const plan = retryPlan(interrupted);
    if (!plan.ok) throw new Error(plan.message);
    expect(plan.nodes).toEqual(['c', 'd', 'e']);
    expect(plan.next).toMatchObject({ state: 'running', attempt: 2, done: 2, failed: 1 });
    expect(plan.next.results.a).toEqual({ state: 'succeeded' });
    expect(plan.next.results.c).toEqual({ state: 'pending' });
    expect('finishedAt' in plan.next).toBe(false);
  });

  it('adds failed nodes only when asked', () => {
    const plan = retryPlan(interrupted, { includeFailed: true });
    expect(plan.ok && plan.nodes).toEqual(['b', 'c', 'd', 'e']);
    expect(plan.ok && plan.next.failed).toBe(0);
  });

  it('refuses a running operation and one with nothing left', () => {
    expect(retryPlan(op({ a: { state: 'running' } }))).toMatchObject({ ok: false, reason: 'running' });
    const finished = op({ a: { state: 'succeeded' } }, { state: 'succeeded' });
    expect(retryPlan(finished)).toMatchObject({ ok: false, reason: 'nothing_to_retry' });
    const failedOnly = op({ a: { state: 'failed' } }, { state: 'failed' });
    expect(retryPlan(failedOnly)).toMatchObject({ ok: false, reason: 'nothing_to_retry' });
    expect(retryPlan(failedOnly, { includeFailed: true })).toMatchObject({ ok: true, nodes: ['a'] });
  });
});

describe('retryPlan of a stopped batch', () => {
  it('runs the skipped nodes (and the failed ones only when asked), never the succeeded ones', () => {
    const stopped = op(
      { a: { state: 'succeeded' }, b: { state: 'failed' }, c: { state: 'skipped' }, d: { state: 'skipped' } },
      { state: 'stopped', reason: 'stopped after 1 failed node' },
    );
    const plan = retryPlan(stopped);
    expect(plan.ok && plan.nodes).toEqual(['c', 'd']);
    expect(plan.ok && plan.next).toMatchObject({ state: 'running', attempt: 2, done: 2, failed: 1 });
    expect(plan.ok && plan.next.reason).toBeUndefined();
    const withFailed = retryPlan(stopped, { includeFailed: true });
    expect(withFailed.ok && withFailed.nodes).toEqual(['b', 'c', 'd']);
  });
});
