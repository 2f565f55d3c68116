import type { AppServer } from './app-server';

function cookiesFrom(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(';')[0] as string);
}

/** Signs in through next-auth's credentials flow like a browser does; returns the Cookie header. */
export async function login(app: AppServer, username: string, password: string): Promise<string> {
  const r = await tryLogin(app, username, password);
  if (!r.cookie) throw new Error(`login as ${username} failed: HTTP ${r.status} ${r.error ?? ''}`);
  return r.cookie;
}

/** fetch with the session cookie and our Origin, JSON in and out. */
export function client(app: AppServer, cookie: string) {
  return jsonClient(app, { cookie, origin: app.origin });
}

/** fetch with an API token (no cookie, no Origin), JSON in and out. */
export function bearerClient(app: AppServer, token: string) {
  return jsonClient(app, { authorization: `Bearer ${token}` });
}

function jsonClient(app: AppServer, headers: Record<string, string>) {
  return async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: any; headers: Headers }> => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  };
}

/**
 * One credentials sign-in with extra request headers (X-Forwarded-For tricks); reports whether a
 * session was issued and next-auth's error text (rate limits arrive as the limiter's message).
 */
export async function tryLogin(
  app: AppServer,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<{ ok: boolean; error: string | null; cookie: string | null; status: number }> {
  const csrfRes = await fetch(`${app.url}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesFrom(csrfRes);
  const res = await fetch(`${app.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: jar.join('; '),
      origin: app.origin,
      ...headers,
    },
    body: new URLSearchParams({ csrfToken, username, password, json: 'true' }),
  });
  const all = [...jar, ...cookiesFrom(res)];
  const session = all.find((c) => c.includes('session-token='));
  let error: string | null = null;
  const text = await res.text();
  try {
    const url = (JSON.parse(text) as { url?: string }).url;
    if (url) error = new URL(url).searchParams.get('error');
  } catch {
    error = text.slice(0, 200);
  }
  return {
    ok: Boolean(session) && !error,
    error,
    cookie: session ? all.join('; ') : null,
    status: res.status,
  };
}

/** next-auth's sign-out as the browser does it (POST with the CSRF token). */
export async function signOut(app: AppServer, cookie: string): Promise<number> {
  const csrfRes = await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${app.url}/api/auth/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: app.origin },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
  });
  await res.text();
  return res.status;
}
