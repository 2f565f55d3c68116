import type { ExportFormat } from '@/lib/protocol/node-export';
import { formatNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';

/**
 * The export file of a view: the page's canonical node query plus `format`, on the one-cluster route
 * or, with no cluster, the all-clusters one. The server evaluates the query, so the file is the view.
 */
export function exportUrl(cluster: string | null, query: NodeQuery, format: ExportFormat): string {
  const q = formatNodeQuery(query);
  const path = cluster
    ? `/api/v1/clusters/${encodeURIComponent(cluster)}/export/nodes`
    : '/api/v1/export/nodes';
  return `${path}?format=${format}${q ? `&${q}` : ''}`;
}
