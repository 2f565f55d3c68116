import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('expires entries by the injected clock, caches null, and stays bounded', () => {
    let t = 0;
    const c = new TtlCache<string | null>(1000, () => t, 2);
    c.set('a', 'A');
    c.set('n', null);
    expect(c.get('a')).toBe('A');
    expect(c.get('n')).toBeNull();
    expect(c.get('missing')).toBeUndefined();
    t = 999;
    expect(c.get('a')).toBe('A');
    t = 1000;
    expect(c.get('a')).toBeUndefined();
    c.set('x', '1');
    c.set('y', '2');
    c.set('z', '3');
    expect([c.get('x'), c.get('y'), c.get('z')]).toEqual([undefined, '2', '3']);
    c.delete('y');
    expect(c.get('y')).toBeUndefined();
  });
});

describe('TtlCache.getStale', () => {
  it('serves an expired value for a bounded time, never a deleted one', () => {
    let t = 0;
    const c = new TtlCache<string>(1000, () => t);
    c.set('a', 'A');
    t = 1500;
    expect(c.get('a')).toBeUndefined();
    expect(c.getStale('a', 1000)).toBe('A');
    t = 2000;
    expect(c.getStale('a', 1000)).toBeUndefined();
    c.set('b', 'B');
    c.delete('b');
    expect(c.getStale('b', 10_000)).toBeUndefined();
  });
});
