/** The batch dialog's target and run rules as typed, and the request fields they make (pure). */
export interface RunOptionsForm {
  target: 'selection' | 'selector';
  selector: string;
  concurrency: string;
  /** blank: no limit */
  maxUnavailable: string;
  /** blank: never stop */
  stopAfterFailures: string;
}

export const defaultRunOptions: RunOptionsForm = {
  target: 'selection',
  selector: '',
  concurrency: '10',
  maxUnavailable: '',
  stopAfterFailures: '',
};

export interface RunRequest {
  nodes?: string[];
  selector?: string;
  concurrency: number;
  maxUnavailable?: number;
  stopAfterFailures?: number;
}

export type RunOptionErrors = Partial<
  Record<'selector' | 'concurrency' | 'maxUnavailable' | 'stopAfterFailures', string>
>;

/** Only cordon and drain make nodes unschedulable, so only they take a max unavailable. */
export const takesMaxUnavailable = (kind: string) => kind === 'cordon' || kind === 'drain';

function whole(text: string, min: number, max: number): number | undefined | 'bad' {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^\d+$/.test(t)) return 'bad';
  const n = Number(t);
  return n >= min && n <= max ? n : 'bad';
}

export function runRequestOf(
  form: RunOptionsForm,
  kind: string,
  selected: string[],
): { ok: true; value: RunRequest } | { ok: false; errors: RunOptionErrors } {
  const errors: RunOptionErrors = {};
  const concurrency = whole(form.concurrency, 1, 100);
  if (concurrency === 'bad' || concurrency === undefined) errors.concurrency = 'a whole number from 1 to 100';
  const maxUnavailable = takesMaxUnavailable(kind) ? whole(form.maxUnavailable, 1, 10_000) : undefined;
  if (maxUnavailable === 'bad') errors.maxUnavailable = 'a whole number from 1, or blank for no limit';
  const stopAfterFailures = whole(form.stopAfterFailures, 1, 10_000);
  if (stopAfterFailures === 'bad') errors.stopAfterFailures = 'a whole number from 1, or blank to never stop';
  const selector = form.selector.trim();
  if (form.target === 'selector' && !selector) errors.selector = 'give a label selector, e.g. pool=gpu';
  if (form.target === 'selection' && selected.length === 0)
    errors.selector = 'select nodes in the table first';
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ...(form.target === 'selector' ? { selector } : { nodes: selected }),
      concurrency: concurrency as number,
      ...(typeof maxUnavailable === 'number' ? { maxUnavailable } : {}),
      ...(typeof stopAfterFailures === 'number' ? { stopAfterFailures } : {}),
    },
  };
}
