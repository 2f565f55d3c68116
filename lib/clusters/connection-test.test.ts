import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from './connection-test';

const S = 'https://k8s.example:6443';
const sys = (code: string) =>
  Object.assign(new Error(`request failed, reason: ${code}`), { code, name: 'FetchError' });
const status = (code: number) => new ApiException(code, 'x', { kind: 'Status', apiVersion: 'v1', code }, {});

describe('classifyConnectionError', () => {
  it.each([
    ['closed port', sys('ECONNREFUSED')],
    ['open port, not HTTP', { cause: { code: 'ECONNRESET' } }],
    ['TLS listener with an unknown certificate', sys('DEPTH_ZERO_SELF_SIGNED_CERT')],
    ['TLS name mismatch', sys('ERR_TLS_CERT_ALTNAME_INVALID')],
    ['unknown host', sys('ENOTFOUND')],
    ['filtered port', Object.assign(new Error('aborted'), { name: 'AbortError' })],
    ['HTTP server, 404', new ApiException(404, 'Not Found', '<html>', {})],
    ['HTTP server, plain 401', new ApiException(401, 'Unauthorized', 'go away', {})],
    ['HTTP server, 500', new ApiException(500, 'boom', {}, {})],
    ['HTTP server, not JSON', new SyntaxError('Unexpected token < in JSON')],
  ])('%s: one uniform answer, no detail for the caller', (_what, err) => {
    const mapped = classifyConnectionError(err, S);
    expect(mapped.code).toBe('not_kubernetes');
    expect(mapped.httpStatus).toBe(422);
    expect(mapped.message).toBe(classifyConnectionError(sys('ECONNREFUSED'), S).message);
  });

  it('a Kubernetes Status object, or a proven API server, gets specific answers', () => {
    expect(classifyConnectionError(status(401), S).code).toBe('unauthorized');
    expect(classifyConnectionError(status(403), S).code).toBe('forbidden');
    expect(classifyConnectionError(new ApiException(403, 'x', 'no', {}), S, true).code).toBe('forbidden');
    expect(classifyConnectionError(new ApiException(500, 'x', 'no', {}), S, true).code).toBe('api_error');
  });
});
