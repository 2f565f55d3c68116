import { describe, expect, it } from 'vitest';
import { deepClone } from './json-util';

describe('deepClone', () => {
  it('copies JSON data deeply, so changing the copy leaves the original alone', () => {
    const src = { a: [1, { b: 'x', c: null }], d: { e: true, f: undefined } };
    const copy = deepClone(src);
    expect(copy).toEqual(src);
    expect('f' in copy.d).toBe(true);
    (copy.a[1] as { b: string }).b = 'y';
    copy.d.e = false;
    expect(src).toEqual({ a: [1, { b: 'x', c: null }], d: { e: true, f: undefined } });
  });

  it('keeps a parsed "__proto__" key as data and never changes the prototype', () => {
    const parsed = JSON.parse('{"metadata":{"__proto__":{"polluted":true},"name":"n"}}') as {
      metadata: Record<string, unknown>;
    };
    const copy = deepClone(parsed);
    expect(Object.getPrototypeOf(copy.metadata)).toBe(Object.prototype);
    expect((copy.metadata as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(copy.metadata)).toEqual(['__proto__', 'name']);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
  });

  it('copies non-plain objects as structuredClone does', () => {
    const at = new Date(0);
    const copy = deepClone({ at });
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(0);
  });
});
