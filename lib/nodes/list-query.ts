import { z } from 'zod';
import { nodeStatusSchema } from '@/lib/protocol/node-summary';
import { sortKeys, type NodeQuery } from '@/lib/realtime/node-query';
import { taintEffects } from './node-edits';

const boolString = z
  .enum(['true', 'false'], { message: 'must be true or false' })
  .transform((v) => v === 'true');
const statusList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(nodeStatusSchema, { message: 'must be Ready, NotReady or Unknown (comma-separated)' }));
const sortParam = z
  .string()
  .transform((v) => ({
    by: v.replace(/^-/, ''),
    dir: v.startsWith('-') ? ('desc' as const) : ('asc' as const),
  }))
  .pipe(
    z.object({
      by: z.enum(sortKeys, { message: `must be one of ${sortKeys.join(', ')} (prefix - for descending)` }),
      dir: z.enum(['asc', 'desc']),
    }),
  );

/** Query-string form of a node-table read: `?text=&labelSelector=&status=Ready,NotReady&role=&schedulable=&taintKey=&taintEffect=&sort=-age&offset=&limit=`. */
export const listQuerySchema = z
  .object({
    text: z.string().max(256).optional(),
    labelSelector: z.string().max(4096).optional(),
    status: statusList.optional(),
    role: z.string().max(253).optional(),
    schedulable: boolString.optional(),
    taintKey: z.string().max(317).optional(),
    taintEffect: z.enum(taintEffects).optional(),
    sort: sortParam.optional(),
    offset: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().positive().max(10_000).optional(),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;

export function toNodeQuery(q: ListQuery): NodeQuery {
  return {
    text: q.text,
    labelSelector: q.labelSelector,
    status: q.status,
    role: q.role,
    schedulable: q.schedulable,
    taint: q.taintKey || q.taintEffect ? { key: q.taintKey, effect: q.taintEffect } : undefined,
    sort: q.sort,
    page: q.limit === undefined ? 'all' : { offset: q.offset ?? 0, limit: q.limit },
  };
}
