import { describe, expect, it } from 'vitest';
import { requestIdFrom } from './request-id';

const headers = (h: Record<string, string>) => new Headers(h);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it('generates a UUID when the header is absent', () => {
    expect(requestIdFrom(headers({}), true)).toMatch(uuid);
  });

  it('ignores X-Request-Id from an untrusted caller', () => {
    const id = requestIdFrom(headers({ 'x-request-id': 'proxy-chosen-id-1' }), false);
    expect(id).not.toBe('proxy-chosen-id-1');
    expect(id).toMatch(uuid);
  });

  it('accepts a well-formed X-Request-Id from a trusted proxy', () => {
    expect(requestIdFrom(headers({ 'x-request-id': 'edge-1234/abcd' }), true)).toBe('edge-1234/abcd');
  });

  it.each(['short', 'has space in it', 'x'.repeat(129), 'quote"injection', 'new\\nline-value'])(
    'refuses a malformed id even from a trusted proxy: %j',
    (bad) => {
      expect(requestIdFrom(headers({ 'x-request-id': bad }), true, () => 'generated')).toBe('generated');
    },
  );
});
