'use client';
import Link from 'next/link';
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatAge, formatBytes, formatCpuMilli, usageRatio } from '@/lib/client/quantity';
import type { NodeQuery, NodeSortColumn } from '@/lib/protocol/node-query';
import type { FleetNode } from '@/lib/shared/fleet-query';
import { toNodeRow } from '@/lib/shared/node-row';
import { StatusBadge } from '@/components/ui/status-badge';
import { UsageBar } from '@/components/ui/usage-bar';

const ROW_HEIGHT = 34;
const columns: { id: NodeSortColumn | 'cluster'; label: string; width: string }[] = [
  { id: 'cluster', label: 'Cluster', width: 'minmax(100px, 1fr)' },
  { id: 'name', label: 'Name', width: 'minmax(180px, 2fr)' },
  { id: 'status', label: 'Status', width: '190px' },
  { id: 'roles', label: 'Roles', width: 'minmax(90px, 1fr)' },
  { id: 'version', label: 'Version', width: '90px' },
  { id: 'ip', label: 'Internal IP', width: '110px' },
  { id: 'cpu', label: 'CPU req.', width: '110px' },
  { id: 'memory', label: 'Memory req.', width: '110px' },
  { id: 'pods', label: 'Pods', width: '70px' },
  { id: 'taints', label: 'Taints', width: '60px' },
  { id: 'age', label: 'Age', width: '56px' },
];
const grid = columns.map((c) => c.width).join(' ');

function FleetRow({ row, top, now }: { row: FleetNode; top: number; now: number }) {
  const { cluster, node } = row;
  const m = toNodeRow(node);
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
      <div role="cell" className="truncate pr-2 font-medium">
        <Link href={href} className="text-sky-800 hover:underline" title={node.name}>
          {node.name}
        </Link>
      </div>
      <div role="cell" className="truncate">
        <StatusBadge status={node.status} unschedulable={node.unschedulable} />
      </div>
      <div role="cell" className="truncate text-slate-600">
        {node.roles.length ? node.roles.join(', ') : '<none>'}
      </div>
      <div role="cell" className="truncate text-slate-600">
        {m.version}
      </div>
      <div role="cell" className="truncate font-mono text-[11px] text-slate-600">
        {m.internalIP || '—'}
      </div>
      <div role="cell" className="pr-2">
        <UsageBar
          ratio={usageRatio(m.cpuRequestsMilli, m.cpuAllocatableMilli)}
          label={`CPU requests ${formatCpuMilli(m.cpuRequestsMilli)} of ${formatCpuMilli(m.cpuAllocatableMilli)} allocatable`}
        />
      </div>
      <div role="cell" className="pr-2">
        <UsageBar
          ratio={usageRatio(m.memoryRequestsBytes, m.memoryAllocatableBytes)}
          label={`Memory requests ${formatBytes(m.memoryRequestsBytes)} of ${formatBytes(m.memoryAllocatableBytes)} allocatable`}
        />
      </div>
      <div role="cell" className="tabular-nums text-slate-600">
        {m.pods}/{m.podCapacity ?? '—'}
      </div>
      <div role="cell" className="tabular-nums text-slate-600">
        {node.taints.length}
      </div>
      <div role="cell" className="tabular-nums text-slate-600" title={node.creationTimestamp}>
        {formatAge(node.creationTimestamp, now)}
      </div>
    </div>
  );
}

/**
 * The all-clusters table: the dashboard's cells (status badge, usage bars, the same row projection (lib/shared/node-row.ts)) with a
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
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => (rows[i] ? `${rows[i].cluster}/${rows[i].node.name}` : i),
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
      <div className="min-w-[1260px]">
        <div
          role="row"
          className="sticky top-0 z-10 grid h-8 items-center border-b border-slate-200 bg-slate-100 text-[11px] font-semibold tracking-wide text-slate-600 uppercase"
          style={{ gridTemplateColumns: grid }}
        >
          {columns.map((c) => {
            const id = c.id;
            if (id === 'cluster')
              return (
                <div key={id} role="columnheader" className="px-2">
                  {c.label}
                </div>
              );
            const active = sort.sort === id;
            return (
              <div
                key={id}
                role="columnheader"
                aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button
                  type="button"
                  onClick={() => onSort(id)}
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
            return r ? <FleetRow key={item.key} row={r} top={item.start} now={now} /> : null;
          })}
        </div>
      </div>
    </div>
  );
}
