import { describe, expect, it } from 'vitest';
import { parseCookies, readSessionToken } from './cookies';

describe('cookie parsing', () => {
  it('parses pairs, trims, decodes and keeps the first duplicate', () => {
    const c = parseCookies(' a=1; b = x%20y ;a=2; c="q"; =bad; novalue; d=%E0%A4%A');
    expect(c.get('a')).toBe('1');
    expect(c.get('b')).toBe('x y');
    expect(c.get('c')).toBe('q');
    expect(c.has('d')).toBe(false); // malformed escape skipped, not thrown
    expect(c.size).toBe(3);
    expect(parseCookies(null).size).toBe(0);
  });

  it('reads the plain and __Secure- session cookie, preferring __Secure-', () => {
    expect(readSessionToken('next-auth.session-token=abc')).toBe('abc');
    expect(readSessionToken('__Secure-next-auth.session-token=sec; next-auth.session-token=plain')).toBe(
      'sec',
    );
    expect(readSessionToken('other=1')).toBeNull();
  });

  it('joins chunked cookies in index order and stops at a gap', () => {
    expect(readSessionToken('next-auth.session-token.1=BBB; next-auth.session-token.0=AAA; x=1')).toBe(
      'AAABBB',
    );
    expect(
      readSessionToken('__Secure-next-auth.session-token.0=A; __Secure-next-auth.session-token.2=C'),
    ).toBe('A');
    expect(readSessionToken('next-auth.session-token.1=B')).toBeNull();
  });
});
