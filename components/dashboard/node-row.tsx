'use client';
import { memo, useEffect, useRef, useState } from 'react';
import { useFlashStore } from '@/lib/client/flash-store';
import type { NodeUsage } from '@/lib/protocol/node-usage';
import type { NodeRow as Row } from '@/lib/protocol/window';
import { ColumnCell, type CellContext, type NodeColumn } from './node-columns';

export const ROW_HEIGHT = 34;

function useFlash(name: string): boolean {
  const version = useFlashStore((s) => s.versions[name] ?? 0);
  const seen = useRef(version);
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (version === seen.current) return;
    seen.current = version;
    // flip on now, fade out through the CSS transition
    const start = setTimeout(() => setOn(true), 0);
    const end = setTimeout(() => setOn(false), 900);
    return () => {
      clearTimeout(start);
      clearTimeout(end);
    };
  }, [version]);
  return on;
}

export const NodeRow = memo(function NodeRow({
  node,
  index,
  top,
  tabbable,
  selected,
  active,
  columns,
  now,
  usage,
  usageNote,
  gridTemplate,
  onToggle,
  onOpen,
  onFocusRow,
  selectable = true,
}: {
  node: Row;
  /** position in the table, for arrow-key navigation */
  index: number;
  top: number;
  /** the one row Tab reaches (roving focus); the others are reached with the arrow keys */
  tabbable: boolean;
  selected: boolean;
  /** false for users who cannot write: selecting is only for batch actions */
  selectable?: boolean;
  active: boolean;
  /** shown columns; a stable array, so rows re-render only when their own props change */
  columns: readonly NodeColumn[];
  now: number;
  usage: NodeUsage | undefined;
  usageNote: string;
  gridTemplate: string;
  onToggle: (name: string, range: boolean) => void;
  onOpen: (name: string) => void;
  onFocusRow: (index: number) => void;
}) {
  const flash = useFlash(node.name);
  const cell: CellContext = { now, usage, usageNote };
  const bg = active
    ? 'bg-sky-50'
    : selected
      ? 'bg-sky-50/60'
      : flash
        ? 'bg-amber-100'
        : 'bg-white hover:bg-slate-50';
  return (
    <div
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 2}
      data-index={index}
      data-testid={`node-row-${node.name}`}
      data-status={node.status}
      data-unschedulable={node.unschedulable}
      tabIndex={tabbable ? 0 : -1}
      onFocus={(e) => {
        if (e.target === e.currentTarget) onFocusRow(index);
      }}
      onClick={() => onOpen(node.name)}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter') onOpen(node.name);
        else if (e.key === ' ' && selectable) {
          e.preventDefault();
          onToggle(node.name, e.shiftKey);
        }
      }}
      className={`absolute inset-x-0 grid cursor-pointer items-center border-b border-slate-100 text-xs transition-colors duration-700 outline-none focus-visible:ring-2 focus-visible:ring-sky-500 focus-visible:ring-inset ${bg}`}
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)`, gridTemplateColumns: gridTemplate }}
    >
      <div role="cell" className="flex justify-center" onClick={(e) => e.stopPropagation()}>
        {selectable && (
          <input
            type="checkbox"
            aria-label={`Select ${node.name}`}
            checked={selected}
            tabIndex={tabbable ? 0 : -1}
            onChange={(e) => onToggle(node.name, (e.nativeEvent as MouseEvent).shiftKey)}
            className="size-3.5 accent-sky-600"
          />
        )}
      </div>
      {columns.map((c) => (
        <ColumnCell key={c.id} column={c} row={node} ctx={cell} />
      ))}
    </div>
  );
});

/** A row whose data has not arrived yet (a live window not loaded this far): same height, no content. */
export function PendingRow({ top, gridTemplate }: { top: number; gridTemplate: string }) {
  return (
    <div
      role="row"
      aria-busy="true"
      data-testid="pending-row"
      className="absolute inset-x-0 grid items-center border-b border-slate-100 bg-white text-xs"
      style={{ height: ROW_HEIGHT, transform: `translateY(${top}px)`, gridTemplateColumns: gridTemplate }}
    >
      <div role="cell" />
      <div role="cell" className="pr-2">
        <span className="block h-2.5 w-40 animate-pulse rounded bg-slate-200" />
      </div>
    </div>
  );
}
