import { createTokenBody, listTokensQuery } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Own tokens; admins may pass ?all=true. Hashes are never part of a TokenRecord. */
export const GET = apiRoute({ auth: 'read', query: listTokensQuery }, async ({ principal, query, ctx }) => {
  const all = query.all === 'true' && principal.role === 'admin';
  return { items: await ctx.auth.tokens.list(all ? undefined : principal.userId) };
});

/** Creates a personal token; the plaintext is in this response only. */
// sessionOnly: a leaked token must not be able to mint more tokens.
export const POST = apiRoute({ auth: 'account', sessionOnly: true, body: createTokenBody }, async (args) => {
  const { principal, body, ctx } = args;
  const expiresAt = body.expiresInDays ? Date.now() + body.expiresInDays * 86_400_000 : null;
  const { token, record } = await audited(
    args,
    {
      action: 'token.create',
      target: body.name,
      parameters: { scope: body.scope, expiresInDays: body.expiresInDays ?? null },
    },
    () => ctx.auth.tokens.create(principal.userId, { name: body.name, scope: body.scope, expiresAt }),
  );
  return Response.json({ ...record, token }, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
