import { apiErrors } from './errors';
import { labelValueErrors, qualifiedNameErrors } from '@/lib/shared/k8s-names';

export type LabelOp = 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists';
export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}
export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim());
}

function checkKey(key: string, raw: string): void {
  const errs = qualifiedNameErrors(key);
  if (errs.length)
    throw apiErrors.badRequest(
      `unable to parse requirement: invalid label key "${key}": ${errs.join('; ')} (in "${raw}")`,
    );
}

function checkValue(value: string, raw: string): void {
  const errs = labelValueErrors(value);
  if (errs.length)
    throw apiErrors.badRequest(
      `unable to parse requirement: invalid label value: "${value}": at key: "${raw}": ${errs.join('; ')}`,
    );
}

/** Parses a kube label selector string; throws a 400 SimApiError on syntax errors. Empty string selects everything. */
export function parseLabelSelector(input: string | undefined | null): LabelSelector {
  if (!input || input.trim() === '') return [];
  const reqs: LabelSelector = [];
  for (const term of splitTerms(input)) {
    if (term === '')
      throw apiErrors.badRequest(`unable to parse requirement: found '', expected: identifier`);
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^!\s*([^\s!=(),]+)$/))) {
      checkKey(m[1]!, term);
      reqs.push({ key: m[1]!, op: 'notexists', values: [] });
    } else if ((m = term.match(/^([^\s!=(),]+)\s+(in|notin)\s*\(([^()]*)\)$/))) {
      const key = m[1]!;
      checkKey(key, term);
      const values = m[3]!.split(',').map((v) => v.trim());
      for (const v of values) checkValue(v, key);
      reqs.push({ key, op: m[2] === 'in' ? 'in' : 'notin', values });
    } else if ((m = term.match(/^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/))) {
      const key = m[1]!;
      checkKey(key, term);
      checkValue(m[3]!, key);
      reqs.push({ key, op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]!] });
    } else if ((m = term.match(/^([^\s!=(),]+)$/))) {
      checkKey(m[1]!, term);
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw apiErrors.badRequest(
        `unable to parse requirement: couldn't parse the selector string "${input}"`,
      );
    }
  }
  return reqs;
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const r of sel) {
    const v = labels?.[r.key];
    switch (r.op) {
      case 'eq':
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'neq':
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case 'notexists':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}
export type FieldSelector = FieldRequirement[];

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Finds the first unescaped `!=`, `==` or `=` (linear scan, no regex backtracking on hostile input). */
function findOperator(term: string): { at: number; op: '!=' | '==' | '=' } | undefined {
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '!' && term[i + 1] === '=') return i > 0 ? { at: i, op: '!=' } : undefined;
    if (ch === '=') return i > 0 ? { at: i, op: term[i + 1] === '=' ? '==' : '=' } : undefined;
  }
  return undefined;
}

/** Parses a field selector, rejecting fields the resource does not support (400, like kube-apiserver). */
export function parseFieldSelector(
  input: string | undefined | null,
  supported: readonly string[],
): FieldSelector {
  if (!input || input.trim() === '') return [];
  const out: FieldSelector = [];
  const terms = input.split(/(?<!\\),/);
  for (const raw of terms) {
    const term = raw.trim();
    const op = findOperator(term);
    if (!op) throw apiErrors.badRequest(`invalid selector: '${input}'; can't understand '${term}'`);
    const field = unescapeField(term.slice(0, op.at).trim());
    if (!supported.includes(field)) throw apiErrors.badRequest(`field label not supported: ${field}`);
    out.push({
      field,
      op: op.op === '!=' ? 'neq' : 'eq',
      value: unescapeField(term.slice(op.at + op.op.length).trim()),
    });
  }
  return out;
}

export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  for (const r of sel) {
    const v = fields[r.field] ?? '';
    if (r.op === 'eq' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
