import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiFetch, ApiError, errorMessage, fieldErrors } from './api-fetch';

afterEach(() => vi.unstubAllGlobals());

function serve(status: number, body: unknown) {
  const fetch = vi.fn((_url: string, _init?: RequestInit) =>
    Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })),
  );
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('apiFetch', () => {
  it('sends JSON with same-origin credentials and validates the response', async () => {
    const fetch = serve(200, { id: 'x' });
    await expect(
      apiFetch('/api/v1/x', z.object({ id: z.string() }), { method: 'POST', body: { a: 1 } }),
    ).resolves.toEqual({ id: 'x' });
    const init = fetch.mock.calls[0]![1]!;
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });

  it('turns the server error envelope into a typed ApiError with field details', async () => {
    serve(422, {
      error: {
        code: 'invalid',
        message: 'bad labels',
        details: [{ path: ['set', 'a b'], message: 'invalid key' }],
      },
    });
    const err = await apiFetch('/x', z.unknown()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'invalid', message: 'bad labels' });
    expect(fieldErrors(err)).toEqual([{ field: 'set.a b', message: 'invalid key' }]);
    expect(errorMessage(err)).toBe('bad labels: set.a b: invalid key');
  });

  it('reports non-JSON errors by status and contract drift by field', async () => {
    serve(502, '<html>bad gateway</html>');
    await expect(apiFetch('/x', z.unknown())).rejects.toMatchObject({ status: 502, code: 'http_502' });
    serve(200, { items: 'nope' });
    await expect(apiFetch('/x', z.object({ items: z.array(z.string()) }))).rejects.toThrow(
      /unexpected response at items/,
    );
  });

  it('maps a network failure to an ApiError with status 0', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(apiFetch('/x', z.unknown())).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});
