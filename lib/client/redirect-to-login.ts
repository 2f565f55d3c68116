let leaving = false;

/**
 * Leaves the app for `url` (the identity provider's sign-out) once `first` is done; from now on the
 * redirects to /login that ending the session sets off (session status, the stream's 4001) do not apply.
 */
export async function leaveTo(url: string, first: () => Promise<unknown>): Promise<void> {
  leaving = true;
  try {
    await first();
  } finally {
    window.location.assign(url);
  }
}

/** Sends the browser to the sign-in page, coming back here afterwards (no-op on the server and on /login). */
export function redirectToLogin(opts: { replace?: boolean } = {}): void {
  if (typeof window === 'undefined' || leaving || window.location.pathname.startsWith('/login')) return;
  const callbackUrl = window.location.pathname + window.location.search;
  const target = new URL(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`, window.location.origin);
  if (opts.replace) window.location.replace(target);
  else window.location.assign(target);
}
