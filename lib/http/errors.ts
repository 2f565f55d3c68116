/** The one error type route code throws on purpose; apiRoute turns it into `{error:{code,message,details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'invalid_request', message, details);
export const unauthorized = (message = 'Authentication required') =>
  new ApiError(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (message = 'Forbidden', code = 'forbidden') => new ApiError(403, code, message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);
export const payloadTooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
export const tooManyRequests = (message: string, retryAfterSeconds?: number) =>
  new ApiError(
    429,
    'rate_limited',
    message,
    undefined,
    retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : undefined,
  );
export const serviceUnavailable = (message: string) => new ApiError(503, 'unavailable', message);

/**
 * Domain errors from other modules map by shape, so lib code need not import lib/http:
 * anything with a numeric `httpStatus` (400-599) and a string `code` keeps its status, code
 * and message. Everything else is an unexpected error (500, message hidden).
 */
export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (typeof err !== 'object' || err === null) return null;
  const e = err as {
    httpStatus?: unknown;
    code?: unknown;
    message?: unknown;
    details?: unknown;
    retryAfterSeconds?: unknown;
  };
  if (
    typeof e.httpStatus === 'number' &&
    e.httpStatus >= 400 &&
    e.httpStatus < 600 &&
    typeof e.code === 'string'
  ) {
    const headers =
      typeof e.retryAfterSeconds === 'number' ? { 'Retry-After': String(e.retryAfterSeconds) } : undefined;
    return new ApiError(
      e.httpStatus,
      e.code,
      typeof e.message === 'string' ? e.message : e.code,
      e.details,
      headers,
    );
  }
  return null;
}

export function errorResponse(err: ApiError): Response {
  const body = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
    },
  };
  return Response.json(body, {
    status: err.status,
    headers: { 'Cache-Control': 'no-store', ...err.headers },
  });
}
