import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Sign out everywhere: every session of the caller ends, this one included (streams close with 4001). */
export const DELETE = apiRoute({ auth: 'account', sessionOnly: true }, async (args) => {
  const { principal, ctx } = args;
  await audited(args, { action: 'auth.logout_everywhere', target: principal.username }, () =>
    ctx.auth.sessions.revokeAll(principal.userId, 'sign-out-everywhere'),
  );
});
