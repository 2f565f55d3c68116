import type { NodeRow, WindowOp } from '@/lib/protocol/window';
import { sameRow } from './node-row';

/**
 * The steps that turn the rows a client holds into the window's new rows. One node change moves at
 * most one row plus the rows at the window's edges, so this is a handful of steps: rows gone are
 * removed, a row that moved up is one `move`, a row that moved down is removed and inserted where it
 * now is, rows new to the window are inserted, and a row still there whose content changed is updated.
 */
export function diffWindow(held: readonly NodeRow[], next: readonly NodeRow[]): WindowOp[] {
  const ops: WindowOp[] = [];
  const target = new Map<string, number>();
  next.forEach((r, i) => target.set(r.name, i));
  const cur = held.map((r) => r.name);
  const rowOf = new Map<string, NodeRow>(held.map((r) => [r.name, r]));
  for (let i = cur.length - 1; i >= 0; i--) {
    if (!target.has(cur[i] as string)) {
      ops.push({ op: 'remove', index: i });
      cur.splice(i, 1);
    }
  }
  for (let i = 0; i < next.length; i++) {
    const want = next[i] as NodeRow;
    for (;;) {
      if (cur[i] === want.name) {
        const had = rowOf.get(want.name) as NodeRow;
        if (!sameRow(had, want)) ops.push({ op: 'update', index: i, row: want });
        break;
      }
      // the row here belongs further down: take it out, it is inserted when its place comes
      if (cur[i + 1] === want.name && (target.get(cur[i] as string) ?? -1) > i) {
        ops.push({ op: 'remove', index: i });
        rowOf.delete(cur[i] as string);
        cur.splice(i, 1);
        continue;
      }
      const j = cur.indexOf(want.name, i + 1);
      if (j >= 0) {
        ops.push({ op: 'move', from: j, to: i });
        cur.splice(j, 1);
        cur.splice(i, 0, want.name);
        continue; // now equal at i: compares content
      }
      ops.push({ op: 'insert', index: i, row: want });
      cur.splice(i, 0, want.name);
      rowOf.set(want.name, want);
      break;
    }
  }
  return ops;
}

/** Applies diff steps to held rows; returns a new array (React Query data stays immutable). */
export function applyWindowOps(rows: readonly NodeRow[], ops: readonly WindowOp[]): NodeRow[] {
  const out = rows.slice();
  for (const op of ops) {
    switch (op.op) {
      case 'update':
        out[op.index] = op.row;
        break;
      case 'insert':
        out.splice(op.index, 0, op.row);
        break;
      case 'remove':
        out.splice(op.index, 1);
        break;
      case 'move': {
        const [row] = out.splice(op.from, 1);
        if (row) out.splice(op.to, 0, row);
        break;
      }
    }
  }
  return out;
}
