'use client';
import type { DrainOptions } from '@/lib/client/use-node-mutations';
import { drainOptionLabels } from '@/lib/protocol/drain-options';
import { Checkbox, Field, TextInput } from '@/components/ui/field';

export const defaultDrainOptions: DrainOptions = {
  ignoreDaemonSets: true,
  deleteEmptyDirData: false,
  force: false,
  timeoutSeconds: 300,
};

/** Drain options as kubectl drain names them; grace period blank means each pod's own. */
export function DrainOptionsForm({
  value,
  onChange,
}: {
  value: DrainOptions;
  onChange: (v: DrainOptions) => void;
}) {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const grace = value.gracePeriodSeconds;
  const graceError =
    grace !== undefined && (!Number.isInteger(grace) || grace < 0 || grace > 3600)
      ? 'grace period must be 0–3600 seconds'
      : null;
  const timeoutError =
    !Number.isInteger(value.timeoutSeconds) || value.timeoutSeconds < 1 || value.timeoutSeconds > 3600
      ? 'timeout must be 1–3600 seconds'
      : null;
  return (
    <div className="flex flex-col gap-2" data-testid="drain-options">
      <Checkbox
        label={drainOptionLabels.ignoreDaemonSets}
        checked={value.ignoreDaemonSets}
        onChange={(e) => onChange({ ...value, ignoreDaemonSets: e.target.checked })}
      />
      <Checkbox
        label={`${drainOptionLabels.deleteEmptyDirData} (pods using emptyDir lose their local data)`}
        checked={value.deleteEmptyDirData}
        onChange={(e) => onChange({ ...value, deleteEmptyDirData: e.target.checked })}
      />
      <Checkbox
        label={drainOptionLabels.force}
        checked={value.force}
        onChange={(e) => onChange({ ...value, force: e.target.checked })}
      />
      <div className="grid grid-cols-2 gap-3">
        <Field label="Grace period (s)" hint="blank: the pod's own" error={graceError}>
          <TextInput
            inputMode="numeric"
            value={grace ?? ''}
            onChange={(e) => onChange({ ...value, gracePeriodSeconds: num(e.target.value) })}
          />
        </Field>
        <Field label="Timeout (s)" error={timeoutError}>
          <TextInput
            inputMode="numeric"
            value={value.timeoutSeconds}
            onChange={(e) => onChange({ ...value, timeoutSeconds: num(e.target.value) ?? NaN })}
          />
        </Field>
      </div>
    </div>
  );
}

export function drainOptionsValid(v: DrainOptions): boolean {
  const g = v.gracePeriodSeconds;
  return (
    (g === undefined || (Number.isInteger(g) && g >= 0 && g <= 3600)) &&
    Number.isInteger(v.timeoutSeconds) &&
    v.timeoutSeconds >= 1 &&
    v.timeoutSeconds <= 3600
  );
}
