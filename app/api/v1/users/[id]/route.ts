import { updateUserBody, userIdParams } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute, notFound } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'admin-read', params: userIdParams }, async ({ params, ctx }) => {
  const user = await ctx.auth.users.get(params.id);
  if (!user) throw notFound(`user ${params.id}`);
  return user;
});

export const PATCH = apiRoute({ auth: 'admin', params: userIdParams, body: updateUserBody }, async (args) => {
  const { params, body, ctx } = args;
  const target = (await ctx.auth.users.get(params.id))?.username ?? params.id;
  return audited(args, { action: 'user.update', target, parameters: body }, () =>
    ctx.auth.users.update(params.id, body),
  );
});
