'use client';
import type { BatchAction } from '@/lib/client/ui-store';
import { Button } from '@/components/ui/button';

const actions: { id: BatchAction; label: string; variant?: 'danger' }[] = [
  { id: 'cordon', label: 'Cordon' },
  { id: 'uncordon', label: 'Uncordon' },
  { id: 'labels', label: 'Labels…' },
  { id: 'taints', label: 'Taints…' },
  { id: 'drain', label: 'Drain…', variant: 'danger' },
];

/**
 * Batch actions: on the selected rows, or, with nothing selected, on the nodes a label selector
 * matches (chosen in the dialog). Hidden for users who cannot write.
 */
export function BatchActionBar({
  count,
  canWrite,
  onAction,
  onClear,
  note,
}: {
  count: number;
  canWrite: boolean;
  onAction: (a: BatchAction) => void;
  onClear: () => void;
  /** shown beside a selection (a large cluster selects only loaded rows) */
  note?: string;
}) {
  if (!canWrite) return null;
  return (
    <div
      data-testid="batch-bar"
      className={`flex items-center gap-2 border-b px-4 py-1.5 text-xs ${count ? 'border-sky-200 bg-sky-50 text-sky-900' : 'border-slate-200 bg-white text-slate-500'}`}
    >
      <span className={count ? 'font-semibold' : ''} data-testid="selected-count">
        {count ? `${count} selected` : 'By label selector:'}
      </span>
      <div className="flex gap-1.5">
        {actions.map((a) => (
          <Button
            key={a.id}
            variant={count ? (a.variant ?? 'secondary') : 'ghost'}
            onClick={() => onAction(a.id)}
            data-testid={`batch-${a.id}`}
          >
            {a.label}
          </Button>
        ))}
      </div>
      {count > 0 && note && (
        <span className="text-sky-800" data-testid="batch-note">
          {note}
        </span>
      )}
      {count > 0 && (
        <Button variant="ghost" onClick={onClear} className="ml-auto">
          Clear selection
        </Button>
      )}
    </div>
  );
}
