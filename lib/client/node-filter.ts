import type { NodeQuery } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { collectRoles, compileNodeFilter, evaluateNodeQuery, NodeQueryError } from '@/lib/shared/node-query';

export { collectRoles };

export interface FilterResult {
  items: NodeSummary[];
  /** set when a filter field is malformed; that field is then ignored */
  errors: Partial<Record<NodeQueryError['field'], string>>;
  /** the query evaluated: malformed fields cleared */
  query: NodeQuery;
}

/**
 * The browser's path for a cluster it holds whole: the shared evaluator and collation the server
 * uses, so rows come out in the server's order. The list arrives in natural name order, so the
 * default order only filters and never sorts again.
 */
export function filterNodes(items: readonly NodeSummary[], query: NodeQuery): FilterResult {
  const errors: FilterResult['errors'] = {};
  let q = query;
  for (;;) {
    try {
      if (q.sort === 'name' && q.dir === 'asc') {
        const filter = compileNodeFilter(q);
        return { items: filter ? items.filter(filter) : [...items], errors, query: q };
      }
      return { items: evaluateNodeQuery(items, q).items, errors, query: q };
    } catch (e) {
      // each field fails at most once: report it, then evaluate without it
      if (!(e instanceof NodeQueryError) || errors[e.field]) throw e;
      errors[e.field] = e.message;
      q = { ...q, [e.field]: '' };
    }
  }
}
