import { createHash, randomBytes } from 'node:crypto';
import type { AuthRequestLike } from './types';

export const TOKEN_PREFIX = 'knm_';
const TOKEN_RE = /^knm_[A-Za-z0-9_-]{43}$/;
const WS_PROTOCOL_PREFIX = 'bearer.';

export function generateApiToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function isApiTokenFormat(token: string): boolean {
  return TOKEN_RE.test(token);
}

/** Tokens are random 256-bit values, so a plain SHA-256 (not a slow hash) is enough to store them. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first characters, safe to show in lists so users can tell tokens apart. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 8);
}

function queryToken(url: string): string | null {
  try {
    return new URL(url, 'http://localhost').searchParams.get('token');
  } catch {
    return null;
  }
}

/**
 * The API token a request carries, if any: `Authorization: Bearer`, then (only where
 * `allowQuery` is set: the SSE stream, because EventSource cannot set headers) a `token=`
 * query parameter, then a `bearer.<token>` WebSocket subprotocol. A token in a URL ends up in
 * proxy logs and browser history, so REST routes never take one from there.
 * Returns the raw candidate; callers check the format.
 */
export function extractApiToken(req: AuthRequestLike, opts: { allowQuery?: boolean } = {}): string | null {
  const authz = req.headers.get('authorization');
  if (authz) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (m?.[1]) return m[1];
  }
  const q = opts.allowQuery ? queryToken(req.url) : null;
  if (q) return q;
  const protocols = req.headers.get('sec-websocket-protocol');
  if (protocols) {
    for (const p of protocols.split(',')) {
      const entry = p.trim();
      if (entry.toLowerCase().startsWith(WS_PROTOCOL_PREFIX) && entry.length > WS_PROTOCOL_PREFIX.length) {
        return entry.slice(WS_PROTOCOL_PREFIX.length);
      }
    }
  }
  return null;
}
