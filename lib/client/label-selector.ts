/**
 * Kubernetes label selector syntax, parsed in the browser so the node table filters locally exactly the way
 * `kubectl get nodes -l ...` would: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`.
 */
export type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export class LabelSelectorError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const keyRe =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valueRe = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(input: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= input.length; i++) {
    const ch = input[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (i === input.length || (ch === ',' && depth === 0)) {
      out.push({ text: input.slice(start, i), at: start });
      start = i + 1;
    }
  }
  return out;
}

function checkKey(key: string, at: number): string {
  if (!keyRe.test(key) || key.length > 316) throw new LabelSelectorError(`invalid label key "${key}"`, at);
  return key;
}

function checkValue(value: string, at: number): string {
  if (!valueRe.test(value) || value.length > 63)
    throw new LabelSelectorError(`invalid label value "${value}"`, at);
  return value;
}

export function parseLabelSelector(input: string): Requirement[] {
  if (input.trim() === '') return [];
  return splitTerms(input).map(({ text, at }) => {
    const term = text.trim();
    if (term === '') throw new LabelSelectorError('empty requirement', at);
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
    if (set) {
      const values = set[3]!.split(',').map((v) => checkValue(v.trim(), at));
      return { op: set[2] as 'in' | 'notin', key: checkKey(set[1]!, at), values };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (cmp) {
      const op = cmp[2] === '!=' ? 'neq' : 'eq';
      return { op, key: checkKey(cmp[1]!, at), value: checkValue(cmp[3]!.trim(), at) };
    }
    if (term.startsWith('!')) return { op: 'notexists', key: checkKey(term.slice(1).trim(), at) };
    return { op: 'exists', key: checkKey(term, at) };
  });
}

export function matchesSelector(labels: Record<string, string>, reqs: readonly Requirement[]): boolean {
  for (const r of reqs) {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'eq':
        if (v !== r.value) return false;
        break;
      case 'neq':
        if (v === r.value) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Validation for the labels editor: returns an error message naming the problem, or null. */
export function validateLabelKey(key: string): string | null {
  if (key === '') return 'key is required';
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0 && key.slice(0, slash).length > 253) return 'key prefix must be at most 253 characters';
  if (name.length > 63) return 'key name must be at most 63 characters';
  if (!keyRe.test(key))
    return 'key must be [prefix/]name: alphanumerics, "-", "_", "." (prefix a DNS subdomain)';
  return null;
}

export function validateLabelValue(value: string): string | null {
  if (value.length > 63) return 'value must be at most 63 characters';
  if (!valueRe.test(value)) return 'value must be alphanumerics, "-", "_", "." and start/end alphanumeric';
  return null;
}
