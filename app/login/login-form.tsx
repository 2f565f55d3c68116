'use client';
import { getProviders, signIn } from 'next-auth/react';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { safeCallbackPath } from '@/lib/shared/same-origin';

/** next-auth error codes → what the user should read; anything else is our own message (rate limit, disabled). */
const MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Invalid username or password.',
  AccessDenied: 'Access denied. Your account may be disabled or not allowed to sign in.',
  OAuthSignin: 'Could not start single sign-on. Try again.',
  OAuthCallback: 'Single sign-on failed. Try again.',
  Callback: 'Single sign-on failed. Try again.',
  SessionRequired: 'Please sign in to continue.',
  Configuration: 'Sign-in is misconfigured on the server. Check the server logs.',
  Default: 'Sign-in failed. Try again.',
};

function describeError(code: string | null | undefined): string | null {
  if (!code) return null;
  return MESSAGES[code] ?? (code.length > 200 ? MESSAGES.Default! : code);
}

/** Parsed as a URL against this origin: only same-origin paths, so ?callbackUrl cannot lead off-site. */
function safeCallback(raw: string | null): string {
  return typeof window === 'undefined' ? '/' : safeCallbackPath(raw, window.location.origin);
}

export function LoginForm() {
  const params = useSearchParams();
  const router = useRouter();
  const callbackUrl = safeCallback(params.get('callbackUrl'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(describeError(params.get('error')));
  const [sso, setSso] = useState<{ id: string; name: string } | null>(null);

  useEffect(() => {
    let alive = true;
    getProviders()
      .then((p) => {
        const oidc = p?.oidc;
        if (alive && oidc) setSso({ id: oidc.id, name: oidc.name });
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      const res = await signIn('credentials', { username, password, redirect: false, callbackUrl });
      if (res?.ok && !res.error) {
        router.replace(callbackUrl);
        router.refresh();
        return;
      }
      setError(describeError(res?.error) ?? MESSAGES.Default!);
    } catch {
      setError('Cannot reach the server. Check your connection and try again.');
    } finally {
      setPending(false);
    }
  }

  const input =
    'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500';

  return (
    <div className="space-y-4">
      <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" aria-label="Sign in">
        <label className="block text-sm font-medium text-slate-700">
          Username
          <input
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            className={input}
          />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            className={input}
          />
        </label>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-sky-700 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-sky-600 disabled:cursor-wait disabled:opacity-60"
        >
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {sso && (
        <>
          <div className="flex items-center gap-2 text-xs text-slate-500">
            <span className="h-px flex-1 bg-slate-200" />
            or
            <span className="h-px flex-1 bg-slate-200" />
          </div>
          <button
            type="button"
            onClick={() => void signIn(sso.id, { callbackUrl })}
            className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Continue with {sso.name}
          </button>
        </>
      )}
    </div>
  );
}
