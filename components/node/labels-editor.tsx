'use client';
import { useState } from 'react';
import { diffLabels, isSystemKey, type LabelRow } from '@/lib/client/edit-diff';
import { useNodeAction } from '@/lib/client/use-node-mutations';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Checkbox, TextInput } from '@/components/ui/field';

function rowsOf(labels: Record<string, string>): LabelRow[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
}

/** Edits a node's labels as rows; validates each like the apiserver would and sends only the diff. */
export function LabelsEditor({ cluster, node }: { cluster: string; node: NodeSummary }) {
  // editing starts from the labels at open time; a pushed change to them shows as a notice, not a reset
  const [base, setBase] = useState(node.labels);
  const [rows, setRows] = useState<LabelRow[]>(() => rowsOf(node.labels));
  const [confirmSystem, setConfirmSystem] = useState(false);
  const action = useNodeAction(cluster);
  const diff = diffLabels(base, rows);
  const changed = Object.keys(diff.set).length + diff.remove.length;
  const stale = base !== node.labels && JSON.stringify(base) !== JSON.stringify(node.labels);

  const reset = () => {
    setBase(node.labels);
    setRows(rowsOf(node.labels));
    action.reset();
  };
  const update = (i: number, patch: Partial<LabelRow>) =>
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const save = () =>
    action.mutate(
      {
        node: node.name,
        action: {
          kind: 'labels',
          params: {
            ...(Object.keys(diff.set).length ? { set: diff.set } : {}),
            ...(diff.remove.length ? { remove: diff.remove } : {}),
            ...(confirmSystem ? { confirmSystem: true } : {}),
          },
        },
      },
      {
        onSuccess: ({ node: n }) => {
          setBase(n.labels);
          setRows(rowsOf(n.labels));
        },
      },
    );

  return (
    <div className="flex flex-col gap-2" data-testid="labels-editor">
      {stale && (
        <div className="flex items-center justify-between rounded border border-amber-200 bg-amber-50 px-2 py-1 text-[11px] text-amber-800">
          Labels changed on the node since you started editing.
          <button type="button" className="font-semibold underline" onClick={reset}>
            Reload
          </button>
        </div>
      )}
      <div className="flex flex-col gap-1">
        {rows.map((r, i) => {
          const err = diff.errors[i];
          const system = isSystemKey(r.key) && r.key in base;
          return (
            <div key={i} className="flex flex-col">
              <div className="flex items-center gap-1">
                <TextInput
                  aria-label={`Label key ${i + 1}`}
                  value={r.key}
                  readOnly={system && !confirmSystem}
                  aria-invalid={err ? true : undefined}
                  onChange={(e) => update(i, { key: e.target.value })}
                  className={`w-1/2 font-mono ${system ? 'text-slate-500' : ''}`}
                />
                <span className="text-slate-500">=</span>
                <TextInput
                  aria-label={`Label value ${i + 1}`}
                  value={r.value}
                  readOnly={system && !confirmSystem}
                  aria-invalid={err ? true : undefined}
                  onChange={(e) => update(i, { value: e.target.value })}
                  className="min-w-0 flex-1 font-mono"
                />
                <button
                  type="button"
                  aria-label={`Remove label ${r.key}`}
                  disabled={system && !confirmSystem}
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                  className="rounded px-1.5 text-slate-500 hover:bg-rose-50 hover:text-rose-600 disabled:opacity-30"
                >
                  ✕
                </button>
              </div>
              {err && <span className="text-[11px] text-rose-600">{err}</span>}
            </div>
          );
        })}
      </div>
      <div className="flex items-center gap-2">
        <Button onClick={() => setRows([...rows, { key: '', value: '' }])} data-testid="label-add">
          + Add label
        </Button>
        <Checkbox
          label="Unlock system keys (admin)"
          checked={confirmSystem}
          onChange={(e) => setConfirmSystem(e.target.checked)}
        />
      </div>
      {diff.touchesSystem && !confirmSystem && (
        <p className="text-[11px] text-amber-700">
          This change touches kubernetes.io / k8s.io keys: unlock system keys to send it.
        </p>
      )}
      <div className="flex items-center gap-2 border-t border-slate-100 pt-2">
        <Button
          variant="primary"
          onClick={save}
          disabled={
            changed === 0 ||
            Object.keys(diff.errors).length > 0 ||
            (diff.touchesSystem && !confirmSystem) ||
            action.isPending
          }
          data-testid="labels-save"
        >
          {action.isPending ? 'Saving…' : `Save ${changed || ''} change${changed === 1 ? '' : 's'}`}
        </Button>
        <Button variant="ghost" onClick={reset} disabled={changed === 0 && !action.error}>
          Discard
        </Button>
        {action.isSuccess && changed === 0 && <span className="text-[11px] text-emerald-700">Saved</span>}
      </div>
      <ErrorBox error={action.error} />
    </div>
  );
}
