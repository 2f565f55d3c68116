import type { NodeStatus } from '@/lib/protocol/node-summary';

const styles: Record<NodeStatus, string> = {
  Ready: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  NotReady: 'bg-rose-50 text-rose-700 ring-rose-600/20',
  Unknown: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

export function StatusBadge({ status, unschedulable }: { status: NodeStatus; unschedulable: boolean }) {
  return (
    <span className="inline-flex items-center gap-1">
      <span className={`rounded px-1.5 py-px text-[11px] font-medium ring-1 ring-inset ${styles[status]}`}>
        {status}
      </span>
      {unschedulable && (
        <span
          className="rounded bg-slate-100 px-1.5 py-px text-[11px] font-medium text-slate-600 ring-1 ring-slate-400/30 ring-inset"
          title="Cordoned: new pods will not be scheduled here"
        >
          SchedulingDisabled
        </span>
      )}
    </span>
  );
}
