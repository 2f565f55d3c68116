export const SESSION_COOKIE = 'next-auth.session-token';
export const SECURE_SESSION_COOKIE = '__Secure-next-auth.session-token';
const MAX_CHUNKS = 32;

/** Parses a Cookie header; malformed pairs and bad percent-encoding are skipped, never thrown. */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (name && !out.has(name)) out.set(name, value);
  }
  return out;
}

function readChunked(cookies: Map<string, string>, name: string): string | null {
  const whole = cookies.get(name);
  if (whole) return whole;
  // next-auth splits tokens over ~4 KB into name.0, name.1, ... in order.
  const parts: string[] = [];
  for (let i = 0; i < MAX_CHUNKS; i++) {
    const chunk = cookies.get(`${name}.${i}`);
    if (chunk === undefined) break;
    parts.push(chunk);
  }
  return parts.length > 0 ? parts.join('') : null;
}

/** The next-auth session JWT, from the secure (HTTPS) or plain cookie name, whole or chunked. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  const cookies = parseCookies(cookieHeader);
  return readChunked(cookies, SECURE_SESSION_COOKIE) ?? readChunked(cookies, SESSION_COOKIE);
}
