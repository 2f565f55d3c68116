'use client';
import type { ClusterInfo } from '@/lib/protocol/api';

const dot: Record<ClusterInfo['status'], string> = {
  ready: 'bg-emerald-500',
  syncing: 'bg-sky-500 animate-pulse',
  degraded: 'bg-amber-500',
  stopped: 'bg-slate-400',
};

/** Cluster tabs with live status; a native select would hide the status dots, so these are buttons. */
export function ClusterPicker({
  clusters,
  value,
  onChange,
}: {
  clusters: readonly ClusterInfo[];
  value: string | null;
  onChange: (name: string) => void;
}) {
  return (
    <nav aria-label="Clusters" data-testid="cluster-picker" className="flex min-w-0 gap-1 overflow-x-auto">
      {clusters.map((c) => {
        const active = c.name === value;
        return (
          <button
            key={c.name}
            type="button"
            data-testid={`cluster-option-${c.name}`}
            data-status={c.status}
            aria-current={active ? 'true' : undefined}
            onClick={() => onChange(c.name)}
            title={c.error ? `${c.status}: ${c.error}` : `${c.status} · ${c.kind}`}
            className={`flex shrink-0 items-center gap-2 rounded-md border px-2.5 py-1 text-xs transition-colors ${
              active
                ? 'border-sky-500 bg-sky-50 text-sky-900 shadow-xs'
                : 'border-slate-200 bg-white text-slate-600 hover:border-slate-300 hover:text-slate-900'
            }`}
          >
            <span className={`size-2 rounded-full ${dot[c.status]}`} aria-hidden />
            <span className="font-medium">{c.name}</span>
            <span className="tabular-nums text-slate-600">
              {c.ready}/{c.nodes}
            </span>
          </button>
        );
      })}
    </nav>
  );
}
