import { describe, expect, it } from 'vitest';
import { compareNatural } from './collation';

describe('compareNatural', () => {
  it('orders digit runs by value', () => {
    const names = [
      'node-10',
      'node-2',
      'node-1',
      'node-100',
      'gpu-3',
      'node-02',
      'node',
      'node-1a',
      'node-1.5',
    ];
    expect([...names].sort(compareNatural)).toEqual([
      'gpu-3',
      'node',
      'node-1',
      'node-1.5',
      'node-1a',
      'node-02',
      'node-2',
      'node-10',
      'node-100',
    ]);
  });

  it('is a total order: antisymmetric, zero only for equal strings, transitive on random names', () => {
    const alphabet = 'ab0129-.';
    const rand = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    const r = rand(7);
    const names = Array.from({ length: 300 }, () =>
      Array.from({ length: 1 + Math.floor(r() * 6) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(
        '',
      ),
    );
    const sorted = [...names].sort(compareNatural);
    for (let i = 1; i < sorted.length; i++)
      expect(compareNatural(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
    for (const a of names.slice(0, 60))
      for (const b of names.slice(0, 60)) {
        expect(Math.sign(compareNatural(a, b)) + Math.sign(compareNatural(b, a))).toBe(0);
        if (a !== b) expect(compareNatural(a, b)).not.toBe(0);
      }
  });
});
