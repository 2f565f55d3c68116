import { describe, expect, it } from 'vitest';
import { ChangeLog } from './change-log';
import { SEQ_EPOCH_BITS, epochOfSeq, seqBaseForEpoch } from './seq-epoch';

describe('seqBaseForEpoch', () => {
  it('gives each epoch its own range of safe integers, never starting at 0', () => {
    expect(seqBaseForEpoch(1)).toBe(2 ** SEQ_EPOCH_BITS);
    expect(seqBaseForEpoch(2)).toBe(2 * 2 ** SEQ_EPOCH_BITS);
    expect(epochOfSeq(seqBaseForEpoch(7) + 12345)).toBe(7);
    const last = 2 ** (53 - SEQ_EPOCH_BITS) - 1;
    expect(Number.isSafeInteger(seqBaseForEpoch(last) + 2 ** SEQ_EPOCH_BITS - 1)).toBe(true);
    expect(seqBaseForEpoch(last + 1)).toBe(seqBaseForEpoch(1)); // wraps, never past 2^53
    expect(seqBaseForEpoch(0)).toBeGreaterThan(0);
    expect(() => seqBaseForEpoch(-1)).toThrow(RangeError);
  });

  it('a resume point of another process is never replayed from this one', () => {
    const now = () => 0;
    const mine = new ChangeLog({ capacity: 100, maxAgeMs: 1e9, now }, seqBaseForEpoch(5));
    const change = (seq: number) =>
      ({ seq, at: 0, cluster: 'c', name: 'n', type: 'node_update' }) as unknown as Parameters<
        ChangeLog['append']
      >[0];
    for (let i = 1; i <= 10; i++) mine.append(change(seqBaseForEpoch(5) + i));
    // an older process (epoch 4) and a newer one (epoch 6), each well into its own history
    expect(mine.since(seqBaseForEpoch(4) + 9)).toEqual({ ok: false, reason: 'too_old' });
    expect(mine.since(seqBaseForEpoch(6) + 3)).toEqual({ ok: false, reason: 'future_seq' });
    expect(mine.since(0)).toEqual({ ok: false, reason: 'too_old' });
    expect(mine.since(seqBaseForEpoch(5) + 8)).toMatchObject({ ok: true });
  });
});
