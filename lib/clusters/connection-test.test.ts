import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from './connection-test';

const S = 'https://k8s.example:6443';
const sys = (code: string) =>
  Object.assign(new Error(`request failed, reason: ${code}`), { code, name: 'FetchError' });

describe('classifyConnectionError', () => {
  it.each([
    [new ApiException(401, 'Unauthorized', {}, {}), 'unauthorized'],
    [new ApiException(403, 'Forbidden', {}, {}), 'forbidden'],
    [new ApiException(404, 'Not Found', {}, {}), 'not_kubernetes'],
    [new ApiException(500, 'boom', {}, {}), 'api_error'],
    [sys('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls_untrusted'],
    [sys('SELF_SIGNED_CERT_IN_CHAIN'), 'tls_untrusted'],
    [sys('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls_untrusted'],
    [sys('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls_error'],
    [sys('CERT_HAS_EXPIRED'), 'tls_error'],
    [sys('ECONNREFUSED'), 'unreachable'],
    [sys('ENOTFOUND'), 'dns'],
    [sys('EAI_AGAIN'), 'dns'],
    [sys('ETIMEDOUT'), 'timeout'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'timeout'],
    [{ cause: { code: 'ECONNRESET' } }, 'unreachable'],
  ])('%s → %s', (err, code) => {
    const mapped = classifyConnectionError(err, S, 5000);
    expect(mapped.code).toBe(code);
    expect(mapped.httpStatus).toBe(422);
  });

  it('messages are specific', () => {
    expect(classifyConnectionError(sys('ECONNREFUSED'), S, 5000).message).toBe(
      `Cannot reach the API server at ${S} (ECONNREFUSED).`,
    );
    expect(
      classifyConnectionError(Object.assign(new Error('x'), { name: 'AbortError' }), S, 5000).message,
    ).toMatch(/within 5 s/);
  });
});
