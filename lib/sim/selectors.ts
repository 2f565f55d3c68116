import { apiErrors } from './errors';
import {
  LabelSelectorError,
  matchesSelector,
  parseLabelSelector as parseSelector,
  type LabelSelector,
} from '@/lib/shared/label-selector';

export type { LabelSelector };

/**
 * Parses a kube label selector with the parser the server and browser use; a syntax error is the
 * API server's 400. The empty string selects everything.
 */
export function parseLabelSelector(input: string | undefined | null): LabelSelector {
  try {
    return parseSelector(input ?? '');
  } catch (e) {
    if (e instanceof LabelSelectorError)
      throw apiErrors.badRequest(`unable to parse requirement: ${e.message}`);
    throw e;
  }
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return matchesSelector(sel, labels ?? {});
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
