import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  it('averages over the window and forgets old buckets', () => {
    let now = 0;
    const m = new RateMeter(() => now, 10);
    for (let s = 0; s < 10; s++) {
      now = s * 1000 + 500;
      m.mark(5);
    }
    expect(m.perSecond()).toBe(5);
    now = 15_000;
    expect(m.perSecond()).toBe(2); // seconds 6..9 remain: 20 / 10
    now = 30_000;
    expect(m.perSecond()).toBe(0);
  });
});
