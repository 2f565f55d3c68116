/** Client address as seen by the proxy chain: first X-Forwarded-For hop, X-Real-IP, else 'unknown'. */
export function clientIp(headers: { get(name: string): string | null }): string {
  const xff = headers.get('x-forwarded-for');
  const first = xff?.split(',')[0]?.trim();
  if (first) return first.slice(0, 100);
  const real = headers.get('x-real-ip')?.trim();
  return real ? real.slice(0, 100) : 'unknown';
}

export function userAgent(headers: { get(name: string): string | null }): string | null {
  return headers.get('user-agent')?.slice(0, 500) ?? null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutation(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * CSRF check for cookie sessions: the browser always sends Origin on cross-site and same-site
 * POST/PUT/PATCH/DELETE, so a missing or foreign Origin (falling back to Referer) is refused.
 */
export function originAllowed(
  headers: { get(name: string): string | null },
  allowed: readonly string[],
): boolean {
  let origin = headers.get('origin');
  if (!origin || origin === 'null') {
    const referer = headers.get('referer');
    if (!referer) return false;
    try {
      origin = new URL(referer).origin;
    } catch {
      return false;
    }
  }
  return allowed.includes(origin.replace(/\/$/, ''));
}
