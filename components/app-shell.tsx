'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut, useSession } from 'next-auth/react';
import { leaveTo, redirectToLogin } from '@/lib/client/redirect-to-login';

/**
 * Signs out here, then (single sign-on sessions) at the identity provider too: its end-session URL is
 * asked first, because signing out ends the session that may ask.
 */
async function signOutHereAndAtProvider(): Promise<void> {
  const res = await fetch('/api/v1/me/logout-url').catch(() => null);
  const { url } = ((await res?.json().catch(() => null)) ?? {}) as { url?: string | null };
  if (!url) return void signOut({ callbackUrl: '/login' });
  // ending the session sends the browser to /login (session status, the live stream): leaving wins
  await leaveTo(url, () => signOut({ redirect: false }));
}
import { useEffect, type ReactNode } from 'react';
import { ThemeToggle } from '@/components/theme-toggle';
import { ToastHost } from '@/components/toasts/toast-host';
import { SkipLink } from '@/components/skip-link';

const nav = [
  { href: '/', label: 'Nodes' },
  { href: '/all', label: 'All clusters' },
  { href: '/audit', label: 'Audit' },
  { href: '/health', label: 'Health', adminOnly: true },
  { href: '/settings', label: 'Settings' },
];

function sessionRole(user: unknown): string | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  const role = (user as { role?: unknown }).role;
  return typeof role === 'string' ? role : undefined;
}

/**
 * The authenticated frame: a skip link, the header (navigation, theme, the signed-in user) and the toaster.
 * The header uses zinc, which dark mode does not mirror (globals.css): it is dark in both themes.
 */
export function AppShell({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const { data: session, status } = useSession();

  useEffect(() => {
    if (status === 'unauthenticated') redirectToLogin({ replace: true });
  }, [status]);

  const role = sessionRole(session?.user);
  const links = nav.filter((n) => !n.adminOnly || role === 'admin');
  return (
    <div className="flex h-dvh flex-col bg-slate-50 text-slate-900">
      <SkipLink />
      <header className="flex h-11 shrink-0 items-center gap-6 bg-zinc-900 px-4 text-zinc-200 shadow">
        <Link href="/" className="flex items-center gap-2 text-sm font-semibold text-zinc-50">
          <span
            className="grid size-6 place-items-center rounded bg-sky-500 text-[11px] font-bold text-white"
            aria-hidden
          >
            K
          </span>
          Kube Node Manager
        </Link>
        <nav className="flex gap-1 text-xs">
          {links.map((n) => {
            const active =
              n.href === '/'
                ? pathname === '/' || pathname.startsWith('/clusters')
                : pathname.startsWith(n.href);
            return (
              <Link
                key={n.href}
                href={n.href}
                aria-current={active ? 'page' : undefined}
                className={`rounded px-2.5 py-1 ${active ? 'bg-zinc-700 text-zinc-50' : 'text-zinc-300 hover:bg-zinc-800 hover:text-zinc-50'}`}
              >
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-xs" data-testid="user-menu">
          <ThemeToggle />
          {session?.user && (
            <>
              <span className="text-zinc-300">{session.user.name ?? session.user.email}</span>
              {role && (
                <span className="rounded bg-zinc-700 px-1.5 py-px text-[11px] uppercase tracking-wide text-zinc-100">
                  {role}
                </span>
              )}
              <button
                type="button"
                data-testid="sign-out"
                onClick={() => void signOutHereAndAtProvider()}
                className="rounded px-2 py-1 text-zinc-300 hover:bg-zinc-800 hover:text-zinc-50"
              >
                Sign out
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1} className="min-h-0 flex-1 outline-none">
        {children}
      </main>
      <ToastHost />
    </div>
  );
}
