'use client';
import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { SessionProvider } from 'next-auth/react';
import { NuqsAdapter } from 'nuqs/adapters/next/app';
import { ThemeProvider } from 'next-themes';
import { useState, type ReactNode } from 'react';
import { ApiError } from '@/lib/client/api-fetch';
import { redirectToLogin } from '@/lib/client/redirect-to-login';

function makeQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, err) => {
          // a 4xx will not get better by retrying; network errors and 5xx might
          if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
          return count < 3;
        },
        retryDelay: (n) => Math.min(1000 * 2 ** n, 10_000),
      },
    },
    mutationCache: new MutationCache({
      onError: (err) => {
        // an expired session: send the user to sign in again rather than failing silently
        if (err instanceof ApiError && err.status === 401) redirectToLogin();
      },
    }),
  });
  client.getQueryCache().subscribe((ev) => {
    if (ev.type === 'updated' && ev.action.type === 'error') {
      const err: unknown = ev.action.error;
      if (err instanceof ApiError && err.status === 401) redirectToLogin();
    }
  });
  return client;
}

/** Client-side providers for the whole app: theme, React Query for server data, next-auth for the session, nuqs for URL state. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  return (
    // the system theme unless the user picked one; `dark` on <html> switches the palette (globals.css)
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <SessionProvider refetchOnWindowFocus={false}>
        <QueryClientProvider client={queryClient}>
          <NuqsAdapter>{children}</NuqsAdapter>
        </QueryClientProvider>
      </SessionProvider>
    </ThemeProvider>
  );
}

export default Providers;
