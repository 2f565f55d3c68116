'use client';
import { useNow } from '@/lib/client/use-now';
import { useMemo } from 'react';
import { collectRoles } from '@/lib/client/node-filter';
import { useFleetNodes } from '@/lib/client/use-fleet-nodes';
import { toggleSort, useNodeQueryUrl } from '@/lib/client/use-node-query-url';
import { useClusters } from '@/lib/client/use-nodes';
import type { NodeQuery } from '@/lib/protocol/node-query';
import { evaluateFleetQuery, type ClusterNodes } from '@/lib/shared/fleet-query';
import { NodeQueryError } from '@/lib/shared/node-query';
import { ConnectionIndicator } from '@/components/dashboard/connection-indicator';
import { UrlQueryFilters } from '@/components/dashboard/collapsible-filters';
import { ExportMenu } from '@/components/dashboard/export-menu';
import { ErrorBox } from '@/components/ui/error-box';
import { FleetTable } from './fleet-table';

const fmt = new Intl.NumberFormat('en');

/** The shared evaluator over every list; a malformed field is reported and left out, as on the dashboard. */
function evaluate(lists: ClusterNodes[], query: NodeQuery) {
  const errors: Partial<Record<NodeQueryError['field'], string>> = {};
  let q = query;
  for (;;) {
    try {
      return { rows: evaluateFleetQuery(lists, q), errors };
    } catch (e) {
      if (!(e instanceof NodeQueryError) || errors[e.field]) throw e;
      errors[e.field] = e.message;
      q = { ...q, [e.field]: '' };
    }
  }
}

/**
 * Every cluster the user may see in one live table with a cluster column: the dashboard's filters and
 * URL query (nuqs), the shared evaluator, one stream connection subscribed to every cluster.
 */
export function AllClustersView() {
  const url = useNodeQueryUrl();
  const clusters = useClusters();
  const names = useMemo(() => clusters.data?.map((c) => c.name) ?? [], [clusters.data]);
  const lists = useFleetNodes(names);
  const now = useNow(30_000);

  const loaded = useMemo(
    () => lists.flatMap((l) => (l.data ? [{ cluster: l.cluster, nodes: l.data.items }] : [])),
    [lists],
  );
  const total = loaded.reduce((n, l) => n + l.nodes.length, 0);
  const { rows, errors } = useMemo(() => evaluate(loaded, url.query), [loaded, url.query]);
  const roles = useMemo(() => collectRoles(loaded.flatMap((l) => l.nodes)), [loaded]);
  const failed = lists.filter((l) => l.error);
  const pending = lists.filter((l) => l.pending).length;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        <span className="text-xs font-medium text-slate-700" data-testid="fleet-clusters">
          {clusters.data ? `${names.length} cluster${names.length === 1 ? '' : 's'}` : 'Loading clusters…'}
        </span>
        <div className="ml-auto flex shrink-0 items-center gap-3 text-xs text-slate-500">
          {pending > 0 && <span>loading {pending}…</span>}
          <span
            data-testid="fleet-count"
            data-count={rows.length}
            data-total={total}
            className="tabular-nums"
          >
            {rows.length === total
              ? `${fmt.format(total)} nodes`
              : `${fmt.format(rows.length)} of ${fmt.format(total)} nodes`}
          </span>
          <ExportMenu cluster={null} query={url.query} />
          <ConnectionIndicator />
        </div>
      </div>
      <UrlQueryFilters url={url} roles={roles} errors={errors} />
      {clusters.error ? <ErrorBox className="m-4" error={clusters.error} /> : null}
      {failed.map((l) => (
        <div key={l.cluster} className="border-b border-slate-200 bg-white px-4 py-2 text-xs">
          <span className="font-medium">{l.cluster}:</span> <ErrorBox error={l.error} />
        </div>
      ))}
      <FleetTable
        rows={rows}
        sort={url.query}
        onSort={(column) => url.setQuery(toggleSort(url.query, column))}
        now={now}
      />
      {total > 0 && rows.length === 0 && (
        <p className="border-t border-slate-200 bg-white p-4 text-center text-xs text-slate-500">
          No nodes match the filters.
        </p>
      )}
    </div>
  );
}
