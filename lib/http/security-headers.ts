/**
 * Headers on every response (pages and API). The CSP keeps 'unsafe-inline' for scripts and
 * styles because Next's App Router inlines its bootstrap and this app does not use nonces; its
 * value is in what else it forbids: framing (clickjacking), plugins, foreign form targets,
 * base-URI tricks and connections to anything but this app.
 */
export function securityHeaders(opts: {
  dev: boolean;
  publicOrigins: readonly string[];
  https: boolean;
  oidcIssuer?: string;
}): Record<string, string> {
  const wsOrigins = opts.publicOrigins.map((o) => o.replace(/^http/, 'ws'));
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${wsOrigins.join(' ')}${opts.dev ? ' ws: wss:' : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self'${opts.oidcIssuer ? ` ${new URL(opts.oidcIssuer).origin}` : ''}`,
    "object-src 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(opts.https ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
  };
}
