import { resetPasswordBody, userIdParams } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Admin password reset. */
export const POST = apiRoute(
  { auth: 'admin', params: userIdParams, body: resetPasswordBody },
  async (args) => {
    const { params, body, ctx } = args;
    const target = (await ctx.auth.users.get(params.id))?.username ?? params.id;
    await audited(args, { action: 'user.reset_password', target }, () =>
      ctx.auth.users.resetPassword(params.id, body.password),
    );
  },
);
