'use client';
import { memo, useEffect, useRef, useState } from 'react';
import { useFlashStore } from '@/lib/client/flash-store';
import { formatAge, formatBytes, formatCpuMilli, usageRatio } from '@/lib/client/quantity';
import type { NodeRow as Row } from '@/lib/protocol/window';
import { StatusBadge } from '@/components/ui/status-badge';
import { UsageBar } from '@/components/ui/usage-bar';

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

function taintTitle(node: Row): string {
  return node.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join('\n');
}

export const NodeRow = memo(function NodeRow({
  node,
  top,
  selected,
  active,
  now,
  gridTemplate,
  onToggle,
  onOpen,
  selectable = true,
}: {
  node: Row;
  top: number;
  selected: boolean;
  /** false for users who cannot write: selecting is only for batch actions */
  selectable?: boolean;
  active: boolean;
  now: number;
  gridTemplate: string;
  onToggle: (name: string, range: boolean) => void;
  onOpen: (name: string) => void;
}) {
  const flash = useFlash(node.name);
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
      data-testid={`node-row-${node.name}`}
      data-status={node.status}
      data-unschedulable={node.unschedulable}
      tabIndex={0}
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
            onChange={(e) => onToggle(node.name, (e.nativeEvent as MouseEvent).shiftKey)}
            className="size-3.5 accent-sky-600"
          />
        )}
      </div>
      <div role="cell" className="truncate pr-2 font-medium text-slate-900" title={node.name}>
        {node.name}
      </div>
      <div role="cell" className="truncate">
        <StatusBadge status={node.status} unschedulable={node.unschedulable} />
      </div>
      <div role="cell" className="truncate text-slate-600" title={node.roles.join(', ')}>
        {node.roles.length ? node.roles.join(', ') : <span className="text-slate-600">&lt;none&gt;</span>}
      </div>
      <div role="cell" className="truncate text-slate-600">
        {node.version}
      </div>
      <div role="cell" className="truncate font-mono text-[11px] text-slate-600">
        {node.internalIP || '—'}
      </div>
      <div role="cell" className="pr-2">
        <UsageBar
          ratio={usageRatio(node.cpuRequestsMilli, node.cpuAllocatableMilli)}
          label={`CPU requests ${formatCpuMilli(node.cpuRequestsMilli)} of ${formatCpuMilli(node.cpuAllocatableMilli)} allocatable`}
        />
      </div>
      <div role="cell" className="pr-2">
        <UsageBar
          ratio={usageRatio(node.memoryRequestsBytes, node.memoryAllocatableBytes)}
          label={`Memory requests ${formatBytes(node.memoryRequestsBytes)} of ${formatBytes(node.memoryAllocatableBytes)} allocatable`}
        />
      </div>
      <div role="cell" className="tabular-nums text-slate-600">
        {node.pods}
        <span className="text-slate-600">/{node.podCapacity ?? '—'}</span>
      </div>
      <div role="cell" className="tabular-nums text-slate-600" title={taintTitle(node)}>
        {node.taints.length ? (
          <span className="rounded bg-violet-50 px-1.5 py-px text-[11px] text-violet-700 ring-1 ring-violet-600/20 ring-inset">
            {node.taints.length}
          </span>
        ) : (
          <span className="text-slate-600">0</span>
        )}
      </div>
      <div role="cell" className="tabular-nums text-slate-600" title={node.creationTimestamp}>
        {formatAge(node.creationTimestamp, now)}
      </div>
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
