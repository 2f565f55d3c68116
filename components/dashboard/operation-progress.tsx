'use client';
import { useEffect } from 'react';
import { isFinished, isRetryable } from '@/lib/client/operation';
import { useCancelOperation, useRetryOperation } from '@/lib/client/use-node-mutations';
import { useOperation } from '@/lib/client/use-nodes';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { DrainPods } from './drain-pods';

const stateColor: Record<string, string> = {
  pending: 'text-slate-500',
  running: 'text-sky-700',
  succeeded: 'text-emerald-700',
  failed: 'text-rose-700',
  cancelled: 'text-amber-700',
  interrupted: 'text-amber-700',
  stopped: 'text-amber-700',
};

/** Live progress of a batch operation: pushed operation_progress keeps ['operation', id] current. */
export function OperationProgress({ id }: { id: string }) {
  const { data: op, error, refetch } = useOperation(id);
  const finished = op ? isFinished(op) : false;
  // pushed progress carries counts, not every node's final state (skipped ones): read it once at the end
  useEffect(() => {
    if (finished) void refetch();
  }, [finished, refetch]);
  const cancel = useCancelOperation();
  const retry = useRetryOperation();
  if (!op) return error ? <ErrorBox error={error} /> : <p className="text-xs text-slate-500">Starting…</p>;
  // done counts failed nodes too
  const pct = op.total ? Math.round((op.done / op.total) * 100) : 0;
  const failures = Object.entries(op.results).filter(([, r]) => r.state === 'failed');
  const skipped = Object.values(op.results).filter((r) => r.state === 'skipped').length;
  return (
    <div className="flex flex-col gap-2" data-testid="operation-progress" data-state={op.state}>
      <div className="flex items-center justify-between text-xs">
        <span className={`font-semibold capitalize ${stateColor[op.state] ?? ''}`}>{op.state}</span>
        <span className="tabular-nums text-slate-600" data-testid="operation-counts">
          {op.done}/{op.total} processed{op.failed ? `, ${op.failed} failed` : ''}
          {skipped ? `, ${skipped} skipped` : ''}
        </span>
      </div>
      {op.reason && op.state !== 'running' && (
        <p className="text-xs text-amber-800" data-testid="operation-reason">
          {op.reason}
        </p>
      )}
      {op.waiting && op.state === 'running' && (
        <p className="text-xs text-slate-600" data-testid="operation-waiting">
          {op.waiting}
        </p>
      )}
      <div className="h-2 overflow-hidden rounded-full bg-slate-200">
        <div
          className={`h-full transition-[width] duration-300 ${op.failed ? 'bg-amber-500' : 'bg-sky-500'} ${isFinished(op) ? '' : 'animate-pulse'}`}
          style={{ width: `${Math.min(100, pct)}%` }}
        />
      </div>
      {!isFinished(op) && (
        <div>
          <Button
            variant="ghost"
            data-testid="operation-cancel"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate(op.id)}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel remaining'}
          </Button>
        </div>
      )}
      {isRetryable(op) && (
        <div className="flex items-center gap-2 text-xs text-slate-600">
          {op.state === 'interrupted' && (
            <span>The replica running it stopped; finished nodes are kept.</span>
          )}
          <Button
            variant="ghost"
            data-testid="operation-retry"
            disabled={retry.isPending}
            onClick={() => retry.mutate(op.id)}
          >
            {retry.isPending ? 'Retrying…' : 'Retry unfinished nodes'}
          </Button>
        </div>
      )}
      {op.pods && <DrainPods pods={op.pods} />}
      <ErrorBox error={cancel.error} />
      <ErrorBox error={retry.error} />
      {failures.length > 0 && (
        <ul className="max-h-40 overflow-auto rounded border border-rose-100 bg-rose-50/50 text-[11px]">
          {failures.map(([node, r]) => (
            <li key={node} className="border-b border-rose-100 px-2 py-1 last:border-0">
              <span className="font-medium text-rose-800">{node}</span>
              <span className="text-rose-700">: {r.message ?? 'failed'}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
