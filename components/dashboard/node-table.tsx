'use client';
import { useEffect, useRef, useState } from 'react';
import type { NodeQuery, NodeSortColumn } from '@/lib/protocol/node-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { NodeRow as Row } from '@/lib/protocol/window';
import { NodeRow, PendingRow, ROW_HEIGHT } from './node-row';

const columns: { id: NodeSortColumn; label: string; width: string; title?: string }[] = [
  { id: 'name', label: 'Name', width: 'minmax(180px, 2fr)' },
  { id: 'status', label: 'Status', width: '190px' },
  { id: 'roles', label: 'Roles', width: 'minmax(90px, 1fr)' },
  { id: 'version', label: 'Version', width: '90px' },
  { id: 'ip', label: 'Internal IP', width: '110px' },
  { id: 'cpu', label: 'CPU req.', width: '110px', title: 'CPU requests vs allocatable' },
  { id: 'memory', label: 'Memory req.', width: '110px', title: 'Memory requests vs allocatable' },
  { id: 'pods', label: 'Pods', width: '70px' },
  { id: 'taints', label: 'Taints', width: '60px' },
  { id: 'age', label: 'Age', width: '56px' },
];
const gridTemplate = `36px ${columns.map((c) => c.width).join(' ')}`;
const OVERSCAN = 8;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** The header checkbox's state, which the caller knows (it may hold more rows than are loaded here). */
export type SelectAllState = 'all' | 'some' | 'none';

/**
 * The node table, virtualized with @tanstack/react-virtual: rows have a fixed height, so only the
 * ~40 visible rows (plus overscan) are mounted, each absolutely positioned. The table knows only the
 * row count and how to read row i: rows not loaded yet (a live window elsewhere) show as placeholders,
 * and `onVisibleRange` tells the caller which rows are on screen so it can load them.
 */
export function NodeTable({
  count,
  rowAt,
  onVisibleRange,
  selectAll,
  selected,
  activeName,
  sort,
  onSort,
  onToggle,
  onSelectAll,
  onOpen,
  selectable = true,
}: {
  count: number;
  rowAt: (i: number) => Row | undefined;
  /** rows [start, end) are on screen (without overscan); called when that range changes */
  onVisibleRange?: (start: number, end: number) => void;
  selectAll: SelectAllState;
  /** false for users who cannot write: no checkboxes (selecting is only for batch actions) */
  selectable?: boolean;
  selected: ReadonlySet<string>;
  activeName: string | null;
  sort: Pick<NodeQuery, 'sort' | 'dir'>;
  onSort: (c: NodeSortColumn) => void;
  onToggle: (name: string, range: boolean) => void;
  onSelectAll: (all: boolean) => void;
  onOpen: (name: string) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const now = useNow(30_000);
  // the virtualizer is read afresh every render, which is what the compiler warns about; this component is not memoized
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // rows are keyed by node name, so a row keeps its DOM node when rows above it come and go
    getItemKey: (i) => rowAt(i)?.name ?? `#${i}`,
    // before the first measurement (and on the server) show the first screen of rows
    initialRect: { width: 1200, height: 800 },
  });

  const start = virtual.range?.startIndex ?? 0;
  const end = virtual.range ? virtual.range.endIndex + 1 : 0;
  useEffect(() => {
    if (end > start) onVisibleRange?.(start, Math.min(end, count));
  }, [start, end, count, onVisibleRange]);

  const rows = [];
  for (const item of virtual.getVirtualItems()) {
    const n = rowAt(item.index);
    if (!n) {
      rows.push(<PendingRow key={item.key} top={item.start} gridTemplate={gridTemplate} />);
      continue;
    }
    rows.push(
      <NodeRow
        key={n.name}
        node={n}
        top={item.start}
        selected={selected.has(n.name)}
        active={activeName === n.name}
        now={now}
        gridTemplate={gridTemplate}
        onToggle={onToggle}
        onOpen={onOpen}
        selectable={selectable}
      />,
    );
  }

  return (
    <div
      ref={scroller}
      role="table"
      aria-rowcount={count}
      data-testid="node-table"
      className="relative min-h-0 flex-1 overflow-auto bg-white"
    >
      <div className="min-w-[1180px]">
        <div
          role="row"
          className="sticky top-0 z-10 grid h-8 items-center border-b border-slate-200 bg-slate-100/95 text-[11px] font-semibold tracking-wide text-slate-600 uppercase backdrop-blur"
          style={{ gridTemplateColumns: gridTemplate }}
        >
          <div role="columnheader" className="flex justify-center">
            {selectable && (
              <input
                type="checkbox"
                aria-label="Select all shown nodes"
                data-testid="select-all"
                checked={selectAll === 'all'}
                ref={(el) => {
                  if (el) el.indeterminate = selectAll === 'some';
                }}
                onChange={(e) => onSelectAll(e.target.checked)}
                className="size-3.5 accent-sky-600"
              />
            )}
          </div>
          {columns.map((c) => (
            <button
              key={c.id}
              type="button"
              role="columnheader"
              title={c.title}
              aria-sort={sort.sort === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              onClick={() => onSort(c.id)}
              className="flex items-center gap-1 truncate text-left uppercase hover:text-slate-800"
            >
              {c.label}
              <span className="text-sky-700">
                {sort.sort === c.id ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
              </span>
            </button>
          ))}
        </div>
        <div className="relative" style={{ height: virtual.getTotalSize() }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
