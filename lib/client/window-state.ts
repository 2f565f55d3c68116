import type { NodeRow, WindowDiffMessage, WindowSnapshotMessage } from '@/lib/protocol/window';
import { applyWindowOps } from '@/lib/shared/window-diff';

/** What a client holds of one live window: the rows, the query's total and the seq they reflect. */
export interface WindowState {
  id: string;
  cluster: string;
  query: string;
  offset: number;
  limit: number;
  seq: number;
  total: number;
  rows: NodeRow[];
}

export type WindowApplyResult =
  | { ok: true; state: WindowState }
  /** a diff that does not follow the held seq (a message was missed): ask for the window again */
  | { ok: false; reason: 'gap' };

/** Applies a pushed snapshot or diff; immutable, so it can patch React Query data in place. */
export function applyWindowMessage(
  held: WindowState | undefined,
  msg: WindowSnapshotMessage | WindowDiffMessage,
): WindowApplyResult {
  if (msg.type === 'window_snapshot') {
    const d = msg.data;
    return {
      ok: true,
      state: {
        id: d.id,
        cluster: msg.cluster_name,
        query: d.query,
        offset: d.offset,
        limit: d.limit,
        seq: msg.seq,
        total: d.total,
        rows: d.rows,
      },
    };
  }
  if (!held || held.seq !== msg.data.prev_seq) return { ok: false, reason: 'gap' };
  return {
    ok: true,
    state: { ...held, seq: msg.seq, total: msg.data.total, rows: applyWindowOps(held.rows, msg.data.ops) },
  };
}
