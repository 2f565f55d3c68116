/** A compact requests-vs-allocatable bar with its figures, colour-coded by saturation. */
export function UsageBar({ ratio, label }: { ratio: number; label: string }) {
  const pct = Number.isFinite(ratio) ? Math.round(ratio * 100) : null;
  const color =
    pct === null ? 'bg-slate-300' : pct >= 90 ? 'bg-rose-500' : pct >= 70 ? 'bg-amber-500' : 'bg-sky-500';
  return (
    <div className="flex min-w-0 items-center gap-2" title={label}>
      <div className="h-1.5 w-12 shrink-0 overflow-hidden rounded-full bg-slate-200">
        <div className={`h-full ${color}`} style={{ width: `${Math.min(100, pct ?? 0)}%` }} />
      </div>
      <span className="truncate tabular-nums text-slate-600">{pct === null ? '—' : `${pct}%`}</span>
    </div>
  );
}
