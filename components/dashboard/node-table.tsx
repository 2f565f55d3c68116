'use client';
import { useNow } from '@/lib/client/use-now';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { NodeQuery, NodeSortColumn } from '@/lib/protocol/node-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { NodeUsage } from '@/lib/protocol/node-usage';
import type { NodeRow as Row } from '@/lib/protocol/window';
import { gridTemplateOf, minTableWidth, type NodeColumn } from './node-columns';
import { NodeRow, PendingRow, ROW_HEIGHT } from './node-row';

const OVERSCAN = 8;

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
  columns,
  usageOf,
  usageNote,
  selectable = true,
}: {
  /** the shown columns, in order (node-columns.tsx) */
  columns: readonly NodeColumn[];
  /** a node's sampled usage, when known */
  usageOf: (name: string) => NodeUsage | undefined;
  /** why usage is missing (the title of its "—") */
  usageNote: string;
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
  const gridTemplate = useMemo(() => gridTemplateOf(columns), [columns]);
  // roving focus: one row is in the Tab order; the arrow keys move it (and focus) row by row
  const [focusIndex, setFocusIndex] = useState(0);
  const moved = useRef(false);
  // the virtualizer is read afresh every render, which is what the compiler warns about; this component is not memoized
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    // no getItemKey: the virtualizer recomputes every item's measurement (O(count): 65,000 at a time)
    // whenever that function changes, which an inline one does on every render. Rows all have one
    // height, so index keys lose nothing; React keys below stay node names, so a row keeps its DOM
    // node when rows above it come and go.
    // before the first measurement (and on the server) show the first screen of rows
    initialRect: { width: 1200, height: 800 },
  });

  const start = virtual.range?.startIndex ?? 0;
  const end = virtual.range ? virtual.range.endIndex + 1 : 0;
  useEffect(() => {
    if (end > start) onVisibleRange?.(start, Math.min(end, count));
  }, [start, end, count, onVisibleRange]);

  const focusRow = useCallback((i: number) => setFocusIndex(i), []);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[role=row][data-index]');
    if (!row || e.target !== row || count === 0) return;
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    const i = Number(row.dataset.index);
    const next =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? count - 1
          : step[e.key] !== undefined
            ? i + step[e.key]!
            : null;
    if (next === null) return;
    e.preventDefault();
    const target = Math.max(0, Math.min(count - 1, next));
    moved.current = true;
    setFocusIndex(target);
    virtual.scrollToIndex(target, { align: 'auto' });
  };
  // focus follows the arrow keys once the target row is mounted (the virtualizer may mount it a frame later)
  useEffect(() => {
    if (!moved.current) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[role=row][data-index="${focusIndex}"]`);
    if (el && document.activeElement !== el) {
      el.focus({ preventScroll: true });
      moved.current = false;
    }
  });

  const items = virtual.getVirtualItems();
  const tabbable = items.some((it) => it.index === focusIndex) ? focusIndex : (items[0]?.index ?? 0);
  const rows = [];
  for (const item of items) {
    const n = rowAt(item.index);
    if (!n) {
      rows.push(<PendingRow key={item.key} top={item.start} gridTemplate={gridTemplate} />);
      continue;
    }
    rows.push(
      <NodeRow
        key={n.name}
        node={n}
        index={item.index}
        top={item.start}
        tabbable={item.index === tabbable}
        selected={selected.has(n.name)}
        active={activeName === n.name}
        columns={columns}
        now={now}
        usage={usageOf(n.name)}
        usageNote={usageNote}
        gridTemplate={gridTemplate}
        onToggle={onToggle}
        onOpen={onOpen}
        onFocusRow={focusRow}
        selectable={selectable}
      />,
    );
  }

  return (
    <div
      ref={scroller}
      role="table"
      aria-rowcount={count + 1}
      data-testid="node-table"
      data-columns={columns.map((c) => c.id).join(' ')}
      onKeyDown={onKeyDown}
      className="relative min-h-0 flex-1 overflow-auto bg-white"
    >
      <div style={{ minWidth: minTableWidth(columns) }}>
        <div
          role="row"
          aria-rowindex={1}
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
          {columns.map((c) =>
            c.sort ? (
              <SortHeader key={c.id} column={c} sortedBy={c.sort} sort={sort} onSort={onSort} />
            ) : (
              <div key={c.id} role="columnheader" title={c.title} className="truncate">
                {c.label}
              </div>
            ),
          )}
        </div>
        <div className="relative" style={{ height: virtual.getTotalSize() }}>
          {rows}
        </div>
      </div>
    </div>
  );
}

function SortHeader({
  column,
  sortedBy,
  sort,
  onSort,
}: {
  column: NodeColumn;
  sortedBy: NodeSortColumn;
  sort: Pick<NodeQuery, 'sort' | 'dir'>;
  onSort: (c: NodeSortColumn) => void;
}) {
  const on = sort.sort === sortedBy;
  return (
    <button
      type="button"
      role="columnheader"
      title={column.title}
      aria-sort={on ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      onClick={() => onSort(sortedBy)}
      className="flex items-center gap-1 truncate text-left uppercase hover:text-slate-800"
    >
      {column.label}
      <span className="text-sky-700">{on ? (sort.dir === 'asc' ? '▲' : '▼') : ''}</span>
    </button>
  );
}
