import { describe, expect, it } from 'vitest';
import { rvAtLeast } from './resource-version';

describe('rvAtLeast', () => {
  it('compares integer RVs numerically, beyond 2^53', () => {
    expect(rvAtLeast('10', '9')).toBe(true);
    expect(rvAtLeast('9', '10')).toBe(false);
    expect(rvAtLeast('12345678901234567890', '12345678901234567889')).toBe(true);
    expect(rvAtLeast('7', '7')).toBe(true);
  });
  it('falls back to equality for opaque RVs', () => {
    expect(rvAtLeast('abc', 'abc')).toBe(true);
    expect(rvAtLeast('abd', 'abc')).toBe(false);
  });
});
