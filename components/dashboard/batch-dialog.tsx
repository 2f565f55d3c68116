'use client';
import { useState } from 'react';
import { errorMessage } from '@/lib/client/api-fetch';
import { parseLabelSpecs, parseTaintSpec } from '@/lib/client/edit-diff';
import type { BatchAction } from '@/lib/client/ui-store';
import {
  defaultRunOptions,
  runRequestOf,
  type RunOptionErrors,
  type RunOptionsForm,
} from '@/lib/client/batch-run-options';
import {
  useBatchOperation,
  useBatchPreview,
  type DrainOptions,
  type NodeAction,
} from '@/lib/client/use-node-mutations';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { ErrorBox } from '@/components/ui/error-box';
import { Checkbox, Field, TextInput } from '@/components/ui/field';
import { defaultDrainOptions, DrainOptionsForm, drainOptionsValid } from '@/components/node/drain-options';
import { BatchPreviewView, BatchRunOptions } from './batch-run-options';
import { OperationProgress } from './operation-progress';

const titles: Record<BatchAction, string> = {
  cordon: 'Cordon',
  uncordon: 'Uncordon',
  labels: 'Edit labels on',
  taints: 'Edit taints on',
  drain: 'Drain',
};

function lines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Builds the action from the form; throws with a message naming the offending entry. */
function buildAction(kind: BatchAction, f: FormState): NodeAction {
  switch (kind) {
    case 'cordon':
      return { kind, params: f.reason.trim() ? { reason: f.reason.trim() } : {} };
    case 'uncordon':
      return { kind, params: {} };
    case 'labels': {
      const { set, remove } = parseLabelSpecs(f.labels);
      if (!Object.keys(set).length && !remove.length)
        throw new Error('give at least one key=value or key- line');
      return { kind, params: { set, remove, ...(f.confirmSystem ? { confirmSystem: true } : {}) } };
    }
    case 'taints': {
      const add = lines(f.taintAdd).map(parseTaintSpec);
      const remove = lines(f.taintRemove).map((l) => {
        const [key, effect] = l.split(':');
        if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect))
          throw new Error(`"${l}": unknown effect`);
        return effect ? { key: key!, effect: effect as 'NoSchedule' } : { key: key! };
      });
      if (!add.length && !remove.length) throw new Error('give at least one taint to add or remove');
      return { kind, params: { add, remove, ...(f.confirmSystem ? { confirmSystem: true } : {}) } };
    }
    case 'drain':
      if (!drainOptionsValid(f.drain)) throw new Error('fix the drain options first');
      return { kind, params: f.drain };
  }
}

interface FormState {
  reason: string;
  labels: string;
  taintAdd: string;
  taintRemove: string;
  confirmSystem: boolean;
  drain: DrainOptions;
}

/** Confirm → run → watch: the batch dialog for the selected rows, showing live operation_progress. */
export function BatchDialog({
  cluster,
  action,
  nodes,
  operationId,
  onStarted,
  onClose,
}: {
  cluster: string;
  action: BatchAction;
  nodes: string[];
  operationId: string | null;
  onStarted: (id: string) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState<FormState>({
    reason: '',
    labels: '',
    taintAdd: '',
    taintRemove: '',
    confirmSystem: false,
    drain: defaultDrainOptions,
  });
  const [formError, setFormError] = useState<string | null>(null);
  // nothing selected: the batch is for the nodes a label selector matches
  const [run, setRun] = useState<RunOptionsForm>(() =>
    nodes.length ? defaultRunOptions : { ...defaultRunOptions, target: 'selector' },
  );
  const [runErrors, setRunErrors] = useState<RunOptionErrors>({});
  const batch = useBatchOperation(cluster);
  const preview = useBatchPreview(cluster);

  /** The request as the form stands, or null after showing what is wrong with it. */
  const request = (withAction: boolean) => {
    const rules = runRequestOf(run, action, nodes);
    setRunErrors(rules.ok ? {} : rules.errors);
    let built: NodeAction | null = null;
    try {
      built = buildAction(action, form);
      setFormError(null);
    } catch (e) {
      // a preview needs no complete action: it shows which nodes would be affected
      if (withAction) setFormError(errorMessage(e));
    }
    if (!rules.ok || (withAction && !built)) return null;
    return { action: built ?? { kind: action, params: undefined }, ...rules.value } as Parameters<
      typeof batch.mutate
    >[0];
  };
  const submit = () => {
    const r = request(true);
    if (r) batch.mutate(r, { onSuccess: ({ id }) => onStarted(id) });
  };
  const runPreview = () => {
    const r = request(false);
    if (r) preview.mutate(r);
  };

  const destructive = action === 'drain' || action === 'cordon';
  const count = run.target === 'selector' ? (preview.data?.total ?? null) : nodes.length;
  const title =
    run.target === 'selector'
      ? `${titles[action]} nodes matching ${run.selector.trim() || '…'}`
      : `${titles[action]} ${count} node${count === 1 ? '' : 's'}`;
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      testId="batch-dialog"
      footer={
        operationId ? (
          <Button onClick={onClose} data-testid="batch-close">
            Close
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant={destructive ? 'danger' : 'primary'}
              onClick={submit}
              disabled={batch.isPending}
              data-testid="batch-confirm"
            >
              {batch.isPending ? 'Starting…' : title}
            </Button>
          </>
        )
      }
    >
      {operationId ? (
        <OperationProgress id={operationId} />
      ) : (
        <div className="flex flex-col gap-3">
          <p className="text-xs text-slate-600">
            Cluster <span className="font-semibold">{cluster}</span>
            {run.target === 'selection' && (
              <>
                :{' '}
                <span className="font-mono text-[11px]">
                  {nodes.slice(0, 8).join(', ')}
                  {nodes.length > 8 && ` and ${nodes.length - 8} more`}
                </span>
              </>
            )}
          </p>
          <BatchRunOptions
            kind={action}
            selectedCount={nodes.length}
            value={run}
            errors={runErrors}
            onChange={(v) => {
              setRun(v);
              preview.reset();
            }}
          />
          <BatchPreviewView
            preview={preview.data}
            error={preview.error}
            pending={preview.isPending}
            onPreview={runPreview}
          />
          {action === 'cordon' && (
            <Field label="Reason (recorded in the audit log)">
              <TextInput
                value={form.reason}
                onChange={(e) => setForm({ ...form, reason: e.target.value })}
                placeholder="e.g. kernel upgrade"
              />
            </Field>
          )}
          {action === 'labels' && (
            <Field label="Labels" hint="one per line: key=value to set, key- to remove">
              <textarea
                rows={4}
                data-testid="batch-labels"
                className="rounded border border-slate-300 px-2 py-1 font-mono text-xs focus:border-sky-500 focus:outline-none"
                value={form.labels}
                onChange={(e) => setForm({ ...form, labels: e.target.value })}
              />
            </Field>
          )}
          {action === 'taints' && (
            <>
              <Field
                label="Add taints"
                hint="one per line: key[=value]:NoSchedule|PreferNoSchedule|NoExecute"
              >
                <textarea
                  rows={3}
                  className="rounded border border-slate-300 px-2 py-1 font-mono text-xs"
                  value={form.taintAdd}
                  onChange={(e) => setForm({ ...form, taintAdd: e.target.value })}
                />
              </Field>
              <Field label="Remove taints" hint="one per line: key or key:Effect">
                <textarea
                  rows={2}
                  className="rounded border border-slate-300 px-2 py-1 font-mono text-xs"
                  value={form.taintRemove}
                  onChange={(e) => setForm({ ...form, taintRemove: e.target.value })}
                />
              </Field>
            </>
          )}
          {(action === 'labels' || action === 'taints') && (
            <Checkbox
              label="Allow kubernetes.io / k8s.io keys (admins only)"
              checked={form.confirmSystem}
              onChange={(e) => setForm({ ...form, confirmSystem: e.target.checked })}
            />
          )}
          {action === 'drain' && (
            <>
              <p className="rounded border border-amber-200 bg-amber-50 px-2 py-1.5 text-xs text-amber-800">
                Draining cordons each node and evicts its pods, respecting PodDisruptionBudgets.
              </p>
              <DrainOptionsForm value={form.drain} onChange={(drain) => setForm({ ...form, drain })} />
            </>
          )}
          {formError && <p className="text-xs text-rose-600">{formError}</p>}
          <ErrorBox error={batch.error} />
        </div>
      )}
    </Dialog>
  );
}
