import type { Taint } from '@/lib/protocol/node-summary';

export type TaintMatcher = (taints: readonly Taint[]) => boolean;

export class TaintFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaintFilterError';
  }
}

/**
 * The node query's taint filter: '' any; `tainted` / `untainted`; or `[!][key][=value][:Effect]`
 * (key or effect required), `!` keeping the nodes that have no such taint. Null for ''.
 */
export function parseTaintFilter(input: string): TaintMatcher | null {
  const t = input.trim();
  if (t === '') return null;
  if (t === 'tainted') return (ts) => ts.length > 0;
  if (t === 'untainted') return (ts) => ts.length === 0;
  const negate = t.startsWith('!');
  const m = /^([^=:\s!]*)(?:=([^:\s]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(
    negate ? t.slice(1) : t,
  );
  if (!m || (!m[1] && !m[3]))
    throw new TaintFilterError('taint filter must be key[=value][:NoSchedule|PreferNoSchedule|NoExecute]');
  const [, key, value, effect] = m;
  const one = (x: Taint) =>
    (!key || x.key === key) &&
    (value === undefined || (x.value ?? '') === value) &&
    (effect === undefined || x.effect === effect);
  return negate ? (ts) => !ts.some(one) : (ts) => ts.some(one);
}
