import { z } from 'zod';
import { auditResultSchema } from '@/lib/protocol/audit';

/** epoch ms or an ISO-8601 date/time */
const instant = z.string().transform((v, ctx) => {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 date' });
    return z.NEVER;
  }
  return n;
});

export const auditQuerySchema = z.object({
  user: z.string().min(1).max(200).optional(),
  cluster: z.string().min(1).max(253).optional(),
  action: z.string().min(1).max(100).optional(),
  result: auditResultSchema.optional(),
  /** X-Request-Id of the request that caused the entries */
  requestId: z.string().min(1).max(128).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** cursor: `nextCursor` of the previous page */
  before: z.coerce.number().int().positive().optional(),
});
