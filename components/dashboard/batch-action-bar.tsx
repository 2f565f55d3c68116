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

export function BatchActionBar({
  count,
  onAction,
  onClear,
}: {
  count: number;
  onAction: (a: BatchAction) => void;
  onClear: () => void;
}) {
  if (count === 0) return null;
  return (
    <div
      data-testid="batch-bar"
      className="flex items-center gap-2 border-b border-sky-200 bg-sky-50 px-4 py-1.5 text-xs text-sky-900"
    >
      <span className="font-semibold" data-testid="selected-count">
        {count} selected
      </span>
      <div className="flex gap-1.5">
        {actions.map((a) => (
          <Button
            key={a.id}
            variant={a.variant ?? 'secondary'}
            onClick={() => onAction(a.id)}
            data-testid={`batch-${a.id}`}
          >
            {a.label}
          </Button>
        ))}
      </div>
      <Button variant="ghost" onClick={onClear} className="ml-auto">
        Clear selection
      </Button>
    </div>
  );
}
