import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export const GET = apiRoute({ auth: 'read' }, async ({ principal, ctx }) => {
  const user = await ctx.auth.users.get(principal.userId);
  return {
    id: principal.userId,
    username: principal.username,
    role: principal.role,
    via: principal.via,
    scope: principal.scope,
    clusters: principal.clusters,
    source: user?.source ?? 'local',
    ...(principal.expiresAt !== undefined ? { expiresAt: principal.expiresAt } : {}),
  };
});
