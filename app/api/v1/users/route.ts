import { createUserBody } from '@/lib/protocol/account-api';
import { audited } from '@/lib/http/audited';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'admin-read' }, async ({ ctx }) => ({
  items: await ctx.auth.users.list(),
}));

export const POST = apiRoute({ auth: 'admin', body: createUserBody }, async (args) => {
  const { body, ctx } = args;
  const user = await audited(
    args,
    {
      action: 'user.create',
      target: body.username,
      parameters: { role: body.role, clusters: body.clusters },
    },
    () => ctx.auth.users.create(body),
  );
  return Response.json(user, { status: 201 });
});
