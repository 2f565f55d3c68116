import { describe, expect, it } from 'vitest';
import {
  displayPrefix,
  extractApiToken,
  generateApiToken,
  hashApiToken,
  isApiTokenFormat,
} from './api-token-format';

const req = (headers: Record<string, string>, url = '/api/v1/clusters') => ({
  url,
  headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
});

describe('API token format', () => {
  it('generates knm_ tokens that validate, hash deterministically and differ each time', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a).toMatch(/^knm_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(isApiTokenFormat(a)).toBe(true);
    expect(isApiTokenFormat('knm_short')).toBe(false);
    expect(isApiTokenFormat(`ghp_${a.slice(4)}`)).toBe(false);
    expect(hashApiToken(a)).toBe(hashApiToken(a));
    expect(hashApiToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(a)).toHaveLength(12);
  });
});

describe('extractApiToken', () => {
  it('reads Authorization: Bearer (any case)', () => {
    expect(extractApiToken(req({ authorization: 'Bearer knm_abc' }))).toBe('knm_abc');
    expect(extractApiToken(req({ authorization: 'bearer   knm_abc ' }))).toBe('knm_abc');
    expect(extractApiToken(req({ authorization: 'Basic dXNlcjpwdw==' }))).toBeNull();
  });

  it('reads the token query parameter only where allowed (the SSE stream)', () => {
    const q = { allowQuery: true };
    expect(extractApiToken(req({}, '/api/v1/stream?cluster=a&token=knm_q'), q)).toBe('knm_q');
    expect(extractApiToken(req({}, 'https://h.example/ws?token=knm_abs'), q)).toBe('knm_abs');
    expect(extractApiToken(req({}, '/api/v1/clusters?token=knm_q'))).toBeNull();
  });

  it('reads a bearer.<token> WebSocket subprotocol entry', () => {
    expect(extractApiToken(req({ 'sec-websocket-protocol': 'knm.v1, bearer.knm_ws' }))).toBe('knm_ws');
    expect(extractApiToken(req({ 'sec-websocket-protocol': 'knm.v1, bearer.' }))).toBeNull();
  });

  it('prefers the header over the query and returns null when absent', () => {
    expect(
      extractApiToken(req({ authorization: 'Bearer knm_h' }, '/x?token=knm_q'), { allowQuery: true }),
    ).toBe('knm_h');
    expect(extractApiToken(req({}))).toBeNull();
  });
});
