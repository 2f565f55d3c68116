'use client';
import Link from 'next/link';
import { useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useColumnStore } from '@/lib/client/column-store';
import type { NodeQuery, NodeSortColumn } from '@/lib/protocol/node-query';
import type { FleetNode } from '@/lib/shared/fleet-query';
import { toNodeRow } from '@/lib/shared/node-row';
import { ROW_HEIGHT } from '@/components/dashboard/node-row';
import {
  ColumnCell,
  minTableWidth,
  shownColumns,
  type CellContext,
  type NodeColumn,
} from '@/components/dashboard/node-columns';

// the dashboard's column registry, as the user chose it; usage is sampled per cluster for the rows on one
// cluster's screen, so the merged view leaves it out
const usageColumns = new Set(['cpuUsage', 'memoryUsage']);
const cellContext = (now: number): CellContext => ({ now, usage: undefined, usageNote: '' });

function FleetRow({
  row,
  top,
  now,
  columns,
  grid,
}: {
  row: FleetNode;
  top: number;
  now: number;
  columns: readonly NodeColumn[];
  grid: string;
}) {
  const { cluster } = row;
  const node = toNodeRow(row.node);
  const ctx = cellContext(now);
  const href = `/clusters/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(node.name)}`;
  return (
    <div
      role="row"
      data-testid={`fleet-row-${cluster}-${node.name}`}
      data-cluster={cluster}
      data-node={node.name}
      data-unschedulable={node.unschedulable}
      className="absolute inset-x-0 grid items-center border-b border-slate-100 bg-white text-xs hover:bg-slate-50"
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)`, gridTemplateColumns: grid }}
    >
      <div role="cell" className="truncate px-2 text-slate-600">
        {cluster}
      </div>
      {columns.map((c) =>
        c.id === 'name' ? (
          <div key={c.id} role="cell" className="truncate pr-2 font-medium">
            <Link href={href} className="text-sky-800 hover:underline" title={node.name}>
              {node.name}
            </Link>
          </div>
        ) : (
          <ColumnCell key={c.id} column={c} row={node} ctx={ctx} />
        ),
      )}
    </div>
  );
}

/**
 * The all-clusters table: the dashboard's cells (status badge, usage bars, the same row model) with a
 * cluster column and each name linking to its cluster's node page; virtualized like the node table.
 * Its rows are merged and ordered by the caller (lib/shared/fleet-query.ts), so sorting only reports.
 */
export function FleetTable({
  rows,
  sort,
  onSort,
  now,
}: {
  rows: readonly FleetNode[];
  sort: Pick<NodeQuery, 'sort' | 'dir'>;
  onSort: (c: NodeSortColumn) => void;
  now: number;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const chosen = useColumnStore((st) => st.chosen);
  useEffect(() => void useColumnStore.persist.rehydrate(), []);
  const columns = useMemo(() => shownColumns(chosen).filter((c) => !usageColumns.has(c.id)), [chosen]);
  const grid = `minmax(100px, 1fr) ${columns.map((c) => c.width).join(' ')}`;
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // no getItemKey: an inline one makes the virtualizer re-measure every row on every render (see
    // NodeTable); React keys below are cluster/node, so rows keep their DOM nodes
    initialRect: { width: 1200, height: 800 },
  });
  return (
    <div
      ref={scroller}
      role="table"
      aria-label="Nodes of all clusters"
      aria-rowcount={rows.length}
      data-testid="fleet-table"
      className="relative min-h-0 flex-1 overflow-auto bg-white"
    >
      <div style={{ minWidth: minTableWidth(columns) + 100 }}>
        <div
          role="row"
          className="sticky top-0 z-10 grid h-8 items-center border-b border-slate-200 bg-slate-100 text-[11px] font-semibold tracking-wide text-slate-600 uppercase"
          style={{ gridTemplateColumns: grid }}
        >
          <div role="columnheader" className="px-2">
            Cluster
          </div>
          {columns.map((c) => {
            const sortBy = c.sort;
            if (!sortBy)
              return (
                <div key={c.id} role="columnheader" title={c.title}>
                  {c.label}
                </div>
              );
            const active = sort.sort === sortBy;
            return (
              <div
                key={c.id}
                role="columnheader"
                aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  title={c.title}
                  onClick={() => onSort(sortBy)}
                  className="flex items-center gap-1 truncate uppercase hover:text-slate-800"
                >
                  {c.label}
                  <span className="text-sky-700" aria-hidden>
                    {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                  </span>
                </button>
              </div>
            );
          })}
        </div>
        <div role="rowgroup" className="relative" style={{ height: virtual.getTotalSize() }}>
          {virtual.getVirtualItems().map((item) => {
            const r = rows[item.index];
            return r ? (
              <FleetRow
                key={`${r.cluster}/${r.node.name}`}
                row={r}
                top={item.start}
                now={now}
                columns={columns}
                grid={grid}
              />
            ) : null;
          })}
        </div>
      </div>
    </div>
  );
}
