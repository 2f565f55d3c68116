import { describe, expect, it } from 'vitest';
import type { NodeRow } from '@/lib/protocol/window';
import { makeRow } from '@/lib/client/test-fixtures';
import { applyWindowOps, diffWindow } from './window-diff';

const row = (name: string, rv = '1'): NodeRow => makeRow(name, { version: rv });
const rows = (s: string) => [...s].map((c) => row(c));

describe('diffWindow', () => {
  it('says a move up in one step and a move down in two', () => {
    expect(diffWindow(rows('abcdef'), rows('eabcdf'))).toEqual([{ op: 'move', from: 4, to: 0 }]);
    expect(diffWindow(rows('abcdef'), rows('bcdeaf')).map((o) => o.op)).toEqual(['remove', 'insert']);
    expect(diffWindow(rows('abcd'), rows('xabc'))).toEqual([
      { op: 'remove', index: 3 },
      { op: 'insert', index: 0, row: row('x') },
    ]);
  });

  it('turns any held rows into any next rows, updating only rows whose content changed', () => {
    let seed = 3;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
    for (let t = 0; t < 500; t++) {
      const pool = [...'abcdefghijklmnop'];
      const pick = () => pool.filter(() => rnd(3) > 0).sort(() => rnd(3) - 1);
      const held = pick().map((c) => row(c));
      const next = pick().map((c) => row(c, String(rnd(2))));
      const ops = diffWindow(held, next);
      expect(applyWindowOps(held, ops)).toEqual(next);
      const changed = next.filter((r) => held.some((h) => h.name === r.name && h.version !== r.version));
      expect(ops.filter((o) => o.op === 'update').length).toBeLessThanOrEqual(changed.length);
    }
  });
});
