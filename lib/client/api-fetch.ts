import type { z } from 'zod';
import { apiErrorSchema } from '@/lib/protocol/api';

/** A failed API call, carrying the server's `{ error: { code, message, details } }` for display. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Field-level messages from an error's details when the server sent a list of `{ field, message }`. */
export function fieldErrors(err: unknown): { field: string; message: string }[] {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return [];
  return err.details.flatMap((d: unknown) => {
    if (typeof d !== 'object' || d === null) return [];
    const rec = d as Record<string, unknown>;
    const field = Array.isArray(rec.path)
      ? rec.path.map(String).join('.')
      : typeof rec.field === 'string'
        ? rec.field
        : '';
    return typeof rec.message === 'string' ? [{ field, message: rec.message }] : [];
  });
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = fieldErrors(err);
    return fields.length
      ? `${err.message}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`
      : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export interface ApiFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Same-origin JSON call with cookie auth. Responses are validated with the shared zod schema, so a server
 * that drifts from the contract fails loudly here instead of rendering garbage.
 */
export async function apiFetch<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: ApiFetchOptions = {},
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      credentials: 'same-origin',
      headers:
        opts.body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', `network error: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown = undefined;
  const text = await res.text();
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      if (res.ok) throw new ApiError(res.status, 'bad_response', `${path}: response is not JSON`);
    }
  }
  if (!res.ok) {
    const parsed = apiErrorSchema.safeParse(json);
    if (parsed.success) {
      const e = parsed.data.error;
      throw new ApiError(res.status, e.code, e.message, e.details);
    }
    throw new ApiError(
      res.status,
      `http_${res.status}`,
      `${res.status} ${res.statusText || 'request failed'}`,
    );
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ApiError(
      res.status,
      'bad_response',
      `${path}: unexpected response at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return r.data;
}
