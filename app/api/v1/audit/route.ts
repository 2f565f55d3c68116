import { auditQuerySchema } from '@/lib/protocol/audit-api';
import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Admins see every entry; others only their own (enforced in AuditLog.query). */
export const GET = apiRoute({ auth: 'read', query: auditQuerySchema }, ({ principal, query, ctx }) => {
  const { limit, before, ...filter } = query;
  return ctx.audit.query(filter, { limit, before }, principal);
});
