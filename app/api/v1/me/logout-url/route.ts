import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Where the browser goes after signing out so the identity provider's session ends too (RP-initiated
 * logout); `url` is null for password sessions or providers without an end_session_endpoint.
 * Asked before next-auth's sign-out, which ends this session.
 */
export const GET = apiRoute({ auth: 'read', sessionOnly: true }, async ({ principal, ctx }) => ({
  url: principal.sessionId
    ? await ctx.oidcTokens
        .endSessionUrl(principal.sessionId, new URL('/login', ctx.config.nextAuthUrl).toString())
        .catch(() => null)
    : null,
}));
