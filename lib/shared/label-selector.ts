/**
 * Kubernetes label selector parsing and matching (=, ==, !=, in, notin, key, !key),
 * written here so the realtime core does not depend on the simulator.
 */

export class LabelSelectorError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`labelSelector: ${message} at position ${position}`);
    this.name = 'LabelSelectorError';
  }
}

export type Requirement =
  | { key: string; op: 'exists' | 'not_exists' }
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export type LabelSelector = Requirement[];

const keyRe =
  /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const valueRe = /^(?:[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const wordChar = /[A-Za-z0-9_.\-/]/;

class Scanner {
  pos = 0;
  constructor(readonly src: string) {}
  skipWs() {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }
  peek(): string {
    this.skipWs();
    return this.src[this.pos] ?? '';
  }
  word(): string {
    this.skipWs();
    const start = this.pos;
    while (this.pos < this.src.length && wordChar.test(this.src[this.pos] as string)) this.pos++;
    return this.src.slice(start, this.pos);
  }
  startsWith(s: string): boolean {
    this.skipWs();
    return this.src.startsWith(s, this.pos);
  }
  eat(s: string) {
    this.skipWs();
    if (!this.src.startsWith(s, this.pos)) throw new LabelSelectorError(`expected '${s}'`, this.pos);
    this.pos += s.length;
  }
  done(): boolean {
    this.skipWs();
    return this.pos >= this.src.length;
  }
}

function checkKey(key: string, pos: number) {
  if (!key) throw new LabelSelectorError('expected a label key', pos);
  if (key.length > 317 || !keyRe.test(key)) throw new LabelSelectorError(`invalid label key '${key}'`, pos);
}
function checkValue(value: string, pos: number) {
  if (!valueRe.test(value)) throw new LabelSelectorError(`invalid label value '${value}'`, pos);
}

function parseValues(s: Scanner): string[] {
  s.eat('(');
  const values: string[] = [];
  for (;;) {
    const pos = s.pos;
    const v = s.word();
    checkValue(v, pos);
    values.push(v);
    if (s.peek() === ',') {
      s.eat(',');
      continue;
    }
    s.eat(')');
    return values;
  }
}

function parseRequirement(s: Scanner): Requirement {
  if (s.peek() === '!') {
    s.eat('!');
    const pos = s.pos;
    const key = s.word();
    checkKey(key, pos);
    return { key, op: 'not_exists' };
  }
  const keyPos = s.pos;
  const key = s.word();
  checkKey(key, keyPos);
  const next = s.peek();
  if (next === '' || next === ',') return { key, op: 'exists' };
  if (s.startsWith('!=')) {
    s.eat('!=');
    const pos = s.pos;
    const value = s.word();
    checkValue(value, pos);
    return { key, op: 'neq', value };
  }
  if (next === '=') {
    s.eat(s.startsWith('==') ? '==' : '=');
    const pos = s.pos;
    const value = s.word();
    checkValue(value, pos);
    return { key, op: 'eq', value };
  }
  const opPos = s.pos;
  const op = s.word();
  if (op === 'in' || op === 'notin') return { key, op, values: parseValues(s) };
  throw new LabelSelectorError(`unknown operator '${op || next}'`, opPos);
}

/** Parses a selector string; the empty string selects everything. Throws LabelSelectorError. */
export function parseLabelSelector(input: string): LabelSelector {
  const s = new Scanner(input);
  const reqs: Requirement[] = [];
  if (s.done()) return reqs;
  for (;;) {
    reqs.push(parseRequirement(s));
    if (s.done()) return reqs;
    s.eat(',');
  }
}

export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const r of selector) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'not_exists':
        if (has) return false;
        break;
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v as string)) return false;
        break;
    }
  }
  return true;
}
