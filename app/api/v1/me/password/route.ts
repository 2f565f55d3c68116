import { changeOwnPasswordBody } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute, tooManyRequests } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Own password change, from a browser session only. Wrong current passwords are rate limited
 * like sign-ins (a stolen session must not become a password oracle); success ends every other
 * session of the user.
 */
export const POST = apiRoute(
  { auth: 'account', sessionOnly: true, body: changeOwnPasswordBody },
  async (args) => {
    const { principal, body, ctx } = args;
    const limit = await ctx.passwordLimiter.check(principal.userId);
    if (!limit.ok) throw tooManyRequests(limit.message, Math.ceil(limit.retryAfterMs / 1000));
    await audited(args, { action: 'user.change_password', target: principal.username }, async () => {
      try {
        await ctx.auth.users.changeOwnPassword(
          principal.userId,
          body.currentPassword,
          body.newPassword,
          principal.sessionId,
        );
      } catch (err) {
        if ((err as { details?: { field?: unknown } }).details?.field === 'currentPassword')
          await ctx.passwordLimiter.recordFailure(principal.userId);
        throw err;
      }
    });
  },
);
