import { z } from 'zod';
import { clusterNameSchema } from './names';
import { nodeStatusSchema, taintEffects, type NodeStatus } from './node-summary';

/**
 * The one node query of the node table: filters, sort, direction and window. It has one canonical
 * serialization, a query string, used the same way in the page URL, the REST list
 * (`GET /api/v1/clusters/:cluster/nodes?...`) and the push window subscription (`query` field).
 *
 *   text=gpu%20eu&labelSelector=zone%3Da&taint=gpu:NoSchedule&status=NotReady,Unknown&role=worker
 *   &schedulable=false&sort=-cpu&offset=100&limit=50
 *
 * Defaults are left out, and fields always come in this order, so equal queries serialize equally.
 */
export const nodeSortColumns = [
  'name',
  'status',
  'roles',
  'version',
  'ip',
  'cpu',
  'memory',
  'pods',
  'taints',
  'age',
  'schedulable',
] as const;
export const nodeSortColumnSchema = z.enum(nodeSortColumns);
export type NodeSortColumn = z.infer<typeof nodeSortColumnSchema>;

export const sortDirections = ['asc', 'desc'] as const;
export type SortDirection = (typeof sortDirections)[number];

export interface NodeQuery {
  /** whitespace-separated terms, each must occur in the name, an address, the version, a role or a `key=value` label */
  text: string;
  /** a Kubernetes label selector (`kubectl get nodes -l` syntax) */
  labelSelector: string;
  /** '' any; `tainted` / `untainted`; or `[!][key][=value][:Effect]` (see lib/shared/taint-filter.ts) */
  taint: string;
  /** empty: any status */
  status: NodeStatus[];
  /** '' any role */
  role: string;
  /** null: both; true: schedulable only; false: cordoned only */
  schedulable: boolean | null;
  sort: NodeSortColumn;
  dir: SortDirection;
}

/** Rows [offset, offset + limit) of the query's ordered result. */
export interface NodeWindow {
  offset: number;
  limit: number;
}

export const MAX_WINDOW = 10_000;

export const defaultNodeQuery: NodeQuery = Object.freeze({
  text: '',
  labelSelector: '',
  taint: '',
  status: [],
  role: '',
  schedulable: null,
  sort: 'name',
  dir: 'asc',
});

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
      by: z.enum(nodeSortColumns, {
        message: `must be one of ${nodeSortColumns.join(', ')} (prefix - for descending)`,
      }),
      dir: z.enum(sortDirections),
    }),
  );

/**
 * The query-string form, field by field (route handlers parse with it, OpenAPI documents it).
 * `taintKey`/`taintEffect` are the earlier spelling of `taint`, still accepted.
 */
export const nodeQueryParamsSchema = z
  .object({
    text: z.string().max(256).optional(),
    labelSelector: z.string().max(4096).optional(),
    taint: z.string().max(512).optional(),
    status: statusList.optional(),
    role: z.string().max(253).optional(),
    schedulable: boolString.optional(),
    sort: sortParam.optional(),
    offset: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().positive().max(MAX_WINDOW).optional(),
    taintKey: z.string().max(317).optional(),
    taintEffect: z.enum(taintEffects).optional(),
  })
  .strict();
export type NodeQueryParams = z.infer<typeof nodeQueryParamsSchema>;

/** `GET /api/v1/nodes?cluster_name=`: the original design's path, the same query beside the cluster. */
export const legacyNodeListParamsSchema = nodeQueryParamsSchema.extend({ cluster_name: clusterNameSchema });

/** The typed query and window of parsed params; no limit means the whole result. */
export function fromQueryParams(p: NodeQueryParams): { query: NodeQuery; window?: NodeWindow } {
  const legacyTaint =
    p.taintKey || p.taintEffect ? `${p.taintKey ?? ''}${p.taintEffect ? `:${p.taintEffect}` : ''}` : '';
  const query: NodeQuery = {
    text: p.text ?? '',
    labelSelector: p.labelSelector ?? '',
    taint: p.taint ?? legacyTaint,
    status: p.status ?? [],
    role: p.role ?? '',
    schedulable: p.schedulable ?? null,
    sort: p.sort?.by ?? 'name',
    dir: p.sort?.dir ?? 'asc',
  };
  return p.limit === undefined ? { query } : { query, window: { offset: p.offset ?? 0, limit: p.limit } };
}

export type ParsedNodeQuery =
  { ok: true; query: NodeQuery; window?: NodeWindow } | { ok: false; field: string; message: string };

/** Parses the canonical string (a leading `?` is allowed); the error names the field. */
export function parseNodeQuery(search: string | URLSearchParams): ParsedNodeQuery {
  const params = typeof search === 'string' ? new URLSearchParams(search.replace(/^\?/, '')) : search;
  const r = nodeQueryParamsSchema.safeParse(Object.fromEntries(params));
  if (r.success) return { ok: true, ...fromQueryParams(r.data) };
  const issue = r.error.issues[0];
  const field = issue?.path.length
    ? String(issue.path[0])
    : ((issue as { keys?: string[] })?.keys?.[0] ?? 'query');
  return { ok: false, field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** The canonical string: only non-default fields, in a fixed order, no leading `?`. */
export function formatNodeQuery(q: Partial<NodeQuery>, window?: NodeWindow): string {
  const p = new URLSearchParams();
  if (q.text) p.set('text', q.text);
  if (q.labelSelector) p.set('labelSelector', q.labelSelector);
  if (q.taint) p.set('taint', q.taint);
  if (q.status && q.status.length > 0) p.set('status', q.status.join(','));
  if (q.role) p.set('role', q.role);
  if (q.schedulable !== undefined && q.schedulable !== null) p.set('schedulable', String(q.schedulable));
  const sort = q.sort ?? 'name';
  const dir = q.dir ?? 'asc';
  if (sort !== 'name' || dir !== 'asc') p.set('sort', `${dir === 'desc' ? '-' : ''}${sort}`);
  if (window) {
    if (window.offset > 0) p.set('offset', String(window.offset));
    p.set('limit', String(window.limit));
  }
  return p.toString().replace(/\+/g, '%20');
}

/** A query with every field present, from a partial one (tests, benches, callers that set a few fields). */
export function nodeQuery(q: Partial<NodeQuery> = {}): NodeQuery {
  return { ...defaultNodeQuery, ...q };
}
