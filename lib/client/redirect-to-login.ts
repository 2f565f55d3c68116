/** Sends the browser to the sign-in page, coming back here afterwards (no-op on the server and on /login). */
export function redirectToLogin(): void {
  if (typeof window === 'undefined' || window.location.pathname.startsWith('/login')) return;
  const callbackUrl = window.location.pathname + window.location.search;
  window.location.assign(
    new URL(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`, window.location.origin),
  );
}
