'use client';
import type { BatchPreview } from '@/lib/protocol/operations';
import {
  takesMaxUnavailable,
  type RunOptionErrors,
  type RunOptionsForm,
} from '@/lib/client/batch-run-options';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, TextInput } from '@/components/ui/field';

const ruleFields = [
  { key: 'concurrency', label: 'Concurrency', hint: 'nodes at once', testId: 'batch-concurrency' },
  {
    key: 'maxUnavailable',
    label: 'Max unavailable',
    hint: 'blank: no limit',
    testId: 'batch-max-unavailable',
  },
  {
    key: 'stopAfterFailures',
    label: 'Stop after failures',
    hint: 'blank: never',
    testId: 'batch-stop-after',
  },
] as const;

/** Which nodes a batch runs on (the selection or a label selector) and how: concurrency, max unavailable, failure limit. */
export function BatchRunOptions({
  kind,
  selectedCount,
  value,
  errors,
  onChange,
}: {
  kind: string;
  selectedCount: number;
  value: RunOptionsForm;
  errors: RunOptionErrors;
  onChange: (v: RunOptionsForm) => void;
}) {
  const set = (patch: Partial<RunOptionsForm>) => onChange({ ...value, ...patch });
  return (
    <div className="flex flex-col gap-3" data-testid="batch-run-options">
      <fieldset className="flex flex-col gap-1.5 text-xs">
        <legend className="mb-1 font-medium text-slate-600">Nodes</legend>
        {(
          [
            ['selection', `The ${selectedCount} selected node${selectedCount === 1 ? '' : 's'}`],
            ['selector', 'Every node matching a label selector'],
          ] as const
        ).map(([target, text]) => (
          <label key={target} className="inline-flex items-center gap-2">
            <input
              type="radio"
              name="batch-target"
              checked={value.target === target}
              disabled={target === 'selection' && selectedCount === 0}
              onChange={() => set({ target })}
              data-testid={`batch-target-${target}`}
            />
            {text}
          </label>
        ))}
        {value.target === 'selector' && (
          <TextInput
            aria-label="Label selector"
            placeholder="e.g. pool=gpu,zone in (a,b)"
            value={value.selector}
            onChange={(e) => set({ selector: e.target.value })}
            aria-invalid={errors.selector ? true : undefined}
            data-testid="batch-selector"
          />
        )}
        {errors.selector && <span className="text-rose-600">{errors.selector}</span>}
      </fieldset>
      <div className="grid grid-cols-3 gap-3">
        {ruleFields
          .filter((f) => f.key !== 'maxUnavailable' || takesMaxUnavailable(kind))
          .map((f) => (
            <Field key={f.key} label={f.label} hint={f.hint} error={errors[f.key]}>
              <TextInput
                inputMode="numeric"
                value={value[f.key]}
                onChange={(e) => set({ [f.key]: e.target.value })}
                data-testid={f.testId}
              />
            </Field>
          ))}
      </div>
      {takesMaxUnavailable(kind) && (
        <p className="text-[11px] text-slate-500">
          Max unavailable counts every unschedulable node of the cluster, including ones cordoned before this
          batch; nodes wait for a free slot.
        </p>
      )}
    </div>
  );
}

/** The dry run's answer: how many nodes, which are cordoned already, and what to know before starting. */
export function BatchPreviewView({
  preview,
  error,
  pending,
  onPreview,
}: {
  preview: BatchPreview | undefined;
  error: unknown;
  pending: boolean;
  onPreview: () => void;
}) {
  const cordoned = preview?.nodes.filter((n) => n.unschedulable) ?? [];
  return (
    <div className="flex flex-col gap-2 rounded border border-slate-200 bg-slate-50 p-2 text-xs">
      <div className="flex items-center gap-2">
        <Button variant="secondary" onClick={onPreview} disabled={pending} data-testid="batch-preview-button">
          {pending ? 'Checking…' : 'Preview (dry run)'}
        </Button>
        {preview && (
          <span data-testid="batch-preview-summary" data-total={preview.total} className="text-slate-700">
            {preview.total} node{preview.total === 1 ? '' : 's'} affected, {cordoned.length} already cordoned;{' '}
            {preview.unavailableNow} unschedulable in the cluster now
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      {preview && (
        <>
          {preview.warnings.map((w) => (
            <p key={w} className="text-amber-800" data-testid="batch-preview-warning">
              {w}
            </p>
          ))}
          <ul
            className="flex max-h-24 flex-wrap gap-1 overflow-auto font-mono text-[11px]"
            data-testid="batch-preview-nodes"
          >
            {preview.nodes.slice(0, 200).map((n) => (
              <li
                key={n.name}
                className={`rounded px-1 ${n.unschedulable ? 'bg-amber-100 text-amber-900' : 'bg-white text-slate-700'}`}
                title={n.unschedulable ? 'cordoned already' : undefined}
              >
                {n.name}
                {n.unschedulable && ' (cordoned)'}
              </li>
            ))}
            {preview.nodes.length > 200 && <li>and {preview.nodes.length - 200} more</li>}
          </ul>
        </>
      )}
    </div>
  );
}
