import { changeOwnPasswordBody } from '@/lib/auth/api-schemas';
import { audited } from '@/lib/http/audited';
import { apiRoute, forbidden } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const POST = apiRoute({ auth: 'read', body: changeOwnPasswordBody }, async (args) => {
  const { principal, body, ctx } = args;
  if (principal.via !== 'session')
    throw forbidden('Change your password from a signed-in browser session, not with an API token');
  await audited(args, { action: 'user.change_password', target: principal.username }, () =>
    ctx.auth.users.changeOwnPassword(principal.userId, body.currentPassword, body.newPassword),
  );
});
