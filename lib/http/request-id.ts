import { randomUUID } from 'node:crypto';

/** What an accepted X-Request-Id may look like: short, printable, no spaces or quotes (it lands in logs and headers). */
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{8,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * The id of one request. A caller-supplied `X-Request-Id` is taken only when the request came
 * through a trusted proxy (the caller decides `trusted`) and the value is well-formed; anything
 * else gets a fresh UUID, so a client can never inject text into logs or impersonate another
 * request's trail.
 */
export function requestIdFrom(
  headers: { get(name: string): string | null },
  trusted: boolean,
  generate: () => string = randomUUID,
): string {
  if (trusted) {
    const offered = headers.get(REQUEST_ID_HEADER)?.trim();
    if (offered && ACCEPTABLE.test(offered)) return offered;
  }
  return generate();
}
