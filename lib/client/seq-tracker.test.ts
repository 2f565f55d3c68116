import { describe, expect, it } from 'vitest';
import { SeqTracker } from './seq-tracker';

describe('SeqTracker', () => {
  it('accepts contiguous seqs, drops duplicates and flags a gap once', () => {
    const t = new SeqTracker();
    t.track('c', 5);
    expect(t.accept('c', 6)).toBe('apply');
    expect(t.accept('c', 6)).toBe('duplicate');
    expect(t.accept('c', 8)).toBe('gap');
    expect(t.accept('c', 9)).toBe('resyncing');
    expect(t.resumable()).toEqual([]);
    t.track('c', 20);
    expect(t.accept('c', 21)).toBe('apply');
    expect(t.accept('x', 1)).toBe('untracked');
  });

  it('tolerates jumps until the subscribe ack, then treats them as loss', () => {
    const t = new SeqTracker();
    t.track('c', 5, true);
    expect(t.accept('c', 9)).toBe('early');
    expect(t.observeServerSeq('c', 9, true)).toBe(false);
    expect(t.accept('c', 6)).toBe('apply');
    expect(t.accept('c', 8)).toBe('gap');
  });

  it('starts from the server seq when subscribed without one, and detects a server that went backwards', () => {
    const t = new SeqTracker();
    t.track('c', undefined);
    expect(t.observeServerSeq('c', 40)).toBe(false);
    expect(t.last('c')).toBe(40);
    expect(t.observeServerSeq('c', 3)).toBe(true);
    expect(t.isResyncing('c')).toBe(true);
    expect(t.markResync('c')).toBe(false);
  });
});
