import type { IncomingMessage } from 'node:http';
import type { AuthRequestLike } from '@/lib/auth/types';

/** Non-secret subprotocol a browser offers beside `bearer.<token>`; the server echoes it, never the token. */
export const PUSH_PROTOCOL = 'knm.v1';
export const BEARER_PROTOCOL_PREFIX = 'bearer.';

export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (typeof raw !== 'string') return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * The subprotocol to echo: `knm.v1` when offered, else the first offered one that is not a
 * `bearer.` credential (a browser fails the handshake if none of its offers is echoed).
 */
export function selectProtocol(offered: Iterable<string>): string | false {
  let fallback: string | false = false;
  for (const p of offered) {
    if (p === PUSH_PROTOCOL) return p;
    if (fallback === false && !p.startsWith(BEARER_PROTOCOL_PREFIX)) fallback = p;
  }
  return fallback;
}

export function bearerFromProtocols(protocols: readonly string[]): string | undefined {
  const found = protocols.find(
    (p) => p.startsWith(BEARER_PROTOCOL_PREFIX) && p.length > BEARER_PROTOCOL_PREFIX.length,
  );
  return found?.slice(BEARER_PROTOCOL_PREFIX.length);
}

/**
 * Presents an upgrade request as AuthRequestLike. A token from the `bearer.` subprotocol or the
 * `token` query parameter is surfaced as an Authorization header (a real header wins), so the
 * authenticator needs only its usual cookie/Bearer paths.
 */
export function upgradeAuthRequest(req: IncomingMessage, protocols: readonly string[]): AuthRequestLike {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const token = bearerFromProtocols(protocols) ?? url.searchParams.get('token') ?? undefined;
  return {
    url: url.toString(),
    headers: {
      get(name: string): string | null {
        const key = name.toLowerCase();
        const value = req.headers[key];
        if (key === 'authorization' && value === undefined && token) return `Bearer ${token}`;
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
  };
}

/** Browsers always send Origin on WebSocket upgrades; a missing one is a non-browser client (no CSRF risk). */
export function originAllowed(
  origin: string | undefined,
  allowed: readonly string[],
  allowMissing: boolean,
): boolean {
  if (origin === undefined || origin === '') return allowMissing;
  return allowed.includes(origin);
}
