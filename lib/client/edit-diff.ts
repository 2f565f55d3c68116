import type { Taint } from '@/lib/protocol/node-summary';
import { isSystemKey, validateLabelKey, validateLabelValue } from '@/lib/shared/k8s-names';

export { isSystemKey };

export interface LabelRow {
  key: string;
  value: string;
}

export interface LabelDiff {
  set: Record<string, string>;
  remove: string[];
  /** row index → message; the diff must not be sent while any exist */
  errors: Record<number, string>;
  touchesSystem: boolean;
}

/** Compares edited rows with the node's labels: what to set, what to remove, and per-row errors. */
export function diffLabels(original: Record<string, string>, rows: readonly LabelRow[]): LabelDiff {
  const set: Record<string, string> = {};
  const errors: Record<number, string> = {};
  const seen = new Map<string, number>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    const err = validateLabelKey(key) ?? validateLabelValue(row.value);
    if (err) {
      errors[i] = err;
      return;
    }
    if (seen.has(key)) {
      errors[i] = `duplicate key "${key}"`;
      return;
    }
    seen.set(key, i);
    if (original[key] !== row.value) set[key] = row.value;
  });
  const remove = Object.keys(original).filter((k) => !seen.has(k));
  const touchesSystem = [...Object.keys(set), ...remove].some(isSystemKey);
  return { set, remove, errors, touchesSystem };
}

const effects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** Parses `key[=value]:Effect` (the kubectl taint syntax) for the batch dialog; throws naming the problem. */
export function parseTaintSpec(spec: string): Omit<Taint, 'timeAdded'> {
  const m = /^([^=:\s]+)(?:=([^:\s]*))?:(\S+)$/.exec(spec.trim());
  if (!m) throw new Error(`taint "${spec}": expected key[=value]:Effect`);
  const [, key, value, effect] = m;
  const keyErr = validateLabelKey(key!);
  if (keyErr) throw new Error(`taint "${spec}": ${keyErr}`);
  if (value) {
    const valueErr = validateLabelValue(value);
    if (valueErr) throw new Error(`taint "${spec}": ${valueErr}`);
  }
  if (!(effects as readonly string[]).includes(effect!)) {
    throw new Error(`taint "${spec}": effect must be one of ${effects.join(', ')}`);
  }
  return value
    ? { key: key!, value, effect: effect as Taint['effect'] }
    : { key: key!, effect: effect as Taint['effect'] };
}

/** Parses `key=value` lines (set) and `key-` lines (remove), as `kubectl label` takes them. */
export function parseLabelSpecs(text: string): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.endsWith('-') && !line.includes('=')) {
      const key = line.slice(0, -1);
      const err = validateLabelKey(key);
      if (err) throw new Error(`"${line}": ${err}`);
      remove.push(key);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`"${line}": expected key=value or key-`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    const err = validateLabelKey(key) ?? validateLabelValue(value);
    if (err) throw new Error(`"${line}": ${err}`);
    set[key] = value;
  }
  return { set, remove };
}
