/**
 * `raw` resolved against `origin` if it stays on that origin, else null. Parsing is the browser's
 * own (WHATWG URL): tabs and newlines are stripped and `/\t/evil.host` or `\\evil.host` become
 * another host, which string checks such as startsWith('/') miss.
 */
export function sameOriginUrl(raw: string | null | undefined, origin: string): string | null {
  if (!raw) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || url.username || url.password) return null;
  return url.href;
}

/** The same-origin path (path, query, hash) for a post-sign-in redirect, or '/' when `raw` leaves the app. */
export function safeCallbackPath(raw: string | null | undefined, origin: string): string {
  const href = sameOriginUrl(raw, origin);
  if (!href) return '/';
  const u = new URL(href);
  return `${u.pathname}${u.search}${u.hash}`;
}
