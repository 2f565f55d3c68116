import { tokenIdParams } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Revokes a token: own tokens, or any token for admins. A change, so it needs write scope. */
export const DELETE = apiRoute({ auth: 'account', params: tokenIdParams }, async (args) => {
  const { principal, params, ctx } = args;
  const owner = principal.role === 'admin' ? undefined : principal.userId;
  return audited(args, { action: 'token.revoke', target: params.id }, () =>
    ctx.auth.tokens.revoke(params.id, owner),
  );
});
