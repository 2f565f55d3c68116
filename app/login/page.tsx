import type { Metadata } from 'next';
import { Suspense } from 'react';
import { LoginForm } from './login-form';
import { SkipLink } from '@/components/skip-link';
import { ThemeToggle } from '@/components/theme-toggle';

export const metadata: Metadata = { title: 'Sign in · Kube Node Manager' };

export default function LoginPage() {
  return (
    <>
      <SkipLink />
      <main
        id="main"
        tabIndex={-1}
        className="relative flex min-h-screen items-center justify-center bg-slate-50 px-4 outline-none"
      >
        <ThemeToggle tone="page" className="absolute top-3 right-3" />
        <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-8 shadow-sm">
          <h1 className="mb-1 text-xl font-semibold text-slate-900">Kube Node Manager</h1>
          <p className="mb-6 text-sm text-slate-500">Sign in to manage your clusters.</p>
          {/* useSearchParams needs a Suspense boundary so the page can still be prerendered */}
          <Suspense fallback={null}>
            <LoginForm />
          </Suspense>
        </div>
      </main>
    </>
  );
}
