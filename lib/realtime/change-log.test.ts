import { describe, expect, it } from 'vitest';
import { ChangeLog } from './change-log';
import type { NodeChange } from './types';
import { summarizeNode } from './summarize';
import { rawNode } from './testing/node-fixture';

const node = summarizeNode(rawNode({ name: 'n' }));
const change = (seq: number, at: number): NodeChange => ({
  cluster: 'c',
  seq,
  type: 'node_update',
  name: 'n',
  resourceVersion: String(seq),
  changes: ['labels'],
  node,
  at,
});

describe('ChangeLog', () => {
  it('replays changes after a seq and flags future seqs', () => {
    const log = new ChangeLog({ capacity: 10, maxAgeMs: 1000, now: () => 0 });
    for (let i = 1; i <= 5; i++) log.append(change(i, 0));
    const r = log.since(2);
    expect(r.ok && r.changes.map((c) => c.seq)).toEqual([3, 4, 5]);
    expect(log.since(5)).toEqual({ ok: true, changes: [] });
    expect(log.since(0).ok).toBe(true);
    expect(log.since(6)).toEqual({ ok: false, reason: 'future_seq' });
  });
  it('evicts by count: older seqs become too_old', () => {
    const log = new ChangeLog({ capacity: 3, maxAgeMs: 1e9, now: () => 0 });
    for (let i = 1; i <= 5; i++) log.append(change(i, 0));
    expect(log.since(1)).toEqual({ ok: false, reason: 'too_old' });
    const r = log.since(2);
    expect(r.ok && r.changes.map((c) => c.seq)).toEqual([3, 4, 5]);
  });
  it('evicts by age with the injected clock', () => {
    let now = 0;
    const log = new ChangeLog({ capacity: 100, maxAgeMs: 1000, now: () => now });
    log.append(change(1, 0));
    now = 500;
    log.append(change(2, 500));
    now = 1200;
    expect(log.since(0)).toEqual({ ok: false, reason: 'too_old' });
    const r = log.since(1);
    expect(r.ok && r.changes.map((c) => c.seq)).toEqual([2]);
  });
  it('reset makes prior history too_old and continues numbering', () => {
    const log = new ChangeLog({ capacity: 10, maxAgeMs: 1e9, now: () => 0 }, 7);
    log.append(change(8, 0));
    log.reset(8);
    expect(log.since(7)).toEqual({ ok: false, reason: 'too_old' });
    expect(log.since(8)).toEqual({ ok: true, changes: [] });
    expect(() => log.append(change(8, 0))).toThrow(RangeError);
  });
});
