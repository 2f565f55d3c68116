import type { ServerMessage } from '@/lib/protocol/messages';
import { formatNodeQuery, parseNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { MAX_WINDOWS_PER_CONNECTION, type NodeRow, type WindowRequest } from '@/lib/protocol/window';
import { NodeQueryError } from '@/lib/shared/node-query';
import { toNodeRow } from '@/lib/shared/node-row';
import { diffWindow } from '@/lib/shared/window-diff';
import { QueryView } from '@/lib/realtime/query-view';
import type { NodeChange } from '@/lib/realtime/types';

/**
 * The cluster's nodes matching the query, in the query's order (the cache keeps its column orders, so
 * a read is one filtered walk), and the seq they reflect; undefined while the cluster is not synced.
 * The hub asks for ascending queries only.
 */
export type WindowSnapshotSource = (
  cluster: string,
  query: NodeQuery,
) => { nodes: readonly NodeSummary[]; seq: number } | undefined;

/**
 * A view no window reads any more is kept, still maintained, for a while: a user flipping between
 * sorts or filters gets the next snapshot from a slice, not a rebuild. Bounded per cluster, so the
 * per-change cost stays bounded too.
 */
const IDLE_VIEWS_PER_CLUSTER = 4;
const IDLE_VIEW_MS = 120_000;

interface Window {
  readonly clientId: string;
  readonly id: string;
  readonly cluster: string;
  viewKey: string;
  /** the client's query (its direction included) */
  query: string;
  desc: boolean;
  offset: number;
  limit: number;
  rows: NodeRow[];
  total: number;
  /** seq of the last message sent for this window (the next diff's prev_seq) */
  seq: number;
}

interface ViewEntry {
  view: QueryView;
  cluster: string;
  windows: Set<Window>;
  /** when the last window left (kept idle), else null */
  idleSince: number | null;
}

export type WindowResult = { ok: true } | { ok: false; code: string; message: string };

/**
 * Live windowed queries over the push hub's connections. Windows of the same cluster and filters and
 * sort column share one QueryView (either direction), updated once per change; each window then
 * compares its slice with what its client holds and sends only the difference (or nothing).
 */
export class WindowHub {
  private readonly views = new Map<string, ViewEntry>();
  private readonly byClient = new Map<string, Map<string, Window>>();
  private diffsSent = 0;

  constructor(
    private readonly snapshot: WindowSnapshotSource,
    private readonly send: (clientId: string, message: ServerMessage) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a window, or moves / re-queries the client's window of the same id; answers with a snapshot. */
  request(clientId: string, req: WindowRequest): WindowResult {
    const parsed = parseNodeQuery(req.query);
    if (!parsed.ok) return { ok: false, code: 'bad_query', message: parsed.message };
    const query = formatNodeQuery(parsed.query);
    const ascending = { ...parsed.query, dir: 'asc' as const };
    const viewKey = `${req.cluster}\n${formatNodeQuery(ascending)}`;
    const desc = parsed.query.dir === 'desc';
    const mine = this.byClient.get(clientId) ?? new Map<string, Window>();
    const existing = mine.get(req.id);
    if (!existing && mine.size >= MAX_WINDOWS_PER_CONNECTION)
      return {
        ok: false,
        code: 'too_many_windows',
        message: `at most ${MAX_WINDOWS_PER_CONNECTION} windows per connection`,
      };
    let entry = this.views.get(viewKey);
    if (existing && existing.viewKey === viewKey && entry) {
      // scrolling, or the other direction of the same view: another range of the same rows
      Object.assign(existing, { query, desc, offset: req.offset, limit: req.limit });
      this.sendSnapshot(existing, entry.view);
      return { ok: true };
    }
    if (!entry) {
      try {
        // a malformed filter throws NodeQueryError from the snapshot or the view
        const view = this.build(req.cluster, ascending);
        if (!view)
          return {
            ok: false,
            code: 'cluster_syncing',
            message: `cluster "${req.cluster}" is not synced yet`,
          };
        entry = { view, cluster: req.cluster, windows: new Set(), idleSince: null };
      } catch (err) {
        if (err instanceof NodeQueryError) return { ok: false, code: 'bad_query', message: err.message };
        throw err;
      }
      this.views.set(viewKey, entry);
      this.evictIdle(req.cluster);
    }
    entry.idleSince = null;
    if (existing) this.detach(existing);
    const win: Window = {
      clientId,
      id: req.id,
      cluster: req.cluster,
      viewKey,
      query,
      desc,
      offset: req.offset,
      limit: req.limit,
      rows: [],
      total: 0,
      seq: 0,
    };
    entry.windows.add(win);
    mine.set(req.id, win);
    this.byClient.set(clientId, mine);
    this.sendSnapshot(win, entry.view);
    return { ok: true };
  }

  close(clientId: string, id: string): boolean {
    const win = this.byClient.get(clientId)?.get(id);
    if (!win) return false;
    this.detach(win);
    this.send(clientId, this.closed(win, 'closed by client'));
    return true;
  }

  dropClient(clientId: string): void {
    for (const win of this.byClient.get(clientId)?.values() ?? []) this.detach(win);
  }

  /** One change, in seq order: each view of its cluster once, then each affected window. */
  onChange(change: NodeChange): void {
    for (const [key, entry] of this.views) {
      if (entry.cluster !== change.cluster) continue;
      const before = entry.view.total;
      const touched = entry.view.apply(change);
      if (!touched) continue;
      if (touched.lost) {
        // the view had drifted from the cache (a bug, not a state): rebuilt, its windows start over
        this.rebuild(key, entry);
        continue;
      }
      const total = entry.view.total;
      // rows before the first touched index kept their place; windows wholly above it see only the
      // count. Descending windows count from the end (before the change for a removal, after for an
      // insertion).
      const asc = Math.min(touched.removedAt ?? Infinity, touched.insertedAt ?? Infinity);
      const desc = Math.min(
        touched.removedAt === undefined ? Infinity : before - 1 - touched.removedAt,
        touched.insertedAt === undefined ? Infinity : total - 1 - touched.insertedAt,
      );
      for (const win of entry.windows) {
        const rowsMoved = win.offset + win.limit > (win.desc ? desc : asc);
        if (!rowsMoved && total === win.total) continue;
        const next = rowsMoved ? entry.view.slice(win.offset, win.limit, win.desc).map(toNodeRow) : win.rows;
        const ops = rowsMoved ? diffWindow(win.rows, next) : [];
        if (ops.length === 0 && total === win.total) continue;
        this.diffsSent++;
        this.send(win.clientId, {
          type: 'window_diff',
          cluster_name: win.cluster,
          seq: change.seq,
          timestamp: this.iso(),
          data: { id: win.id, prev_seq: win.seq, total, ops },
        });
        win.rows = next;
        win.total = total;
        win.seq = change.seq;
      }
    }
  }

  /** The cluster's history broke (re-registered, new credentials): every window starts over from a snapshot. */
  onResync(cluster: string): void {
    for (const [key, entry] of this.views) {
      if (entry.cluster !== cluster) continue;
      // an idle view is not worth a rebuild
      if (entry.windows.size === 0) this.views.delete(key);
      else this.rebuild(key, entry);
    }
  }

  /** A fresh view from the cache for the entry's query; its windows get snapshots (or are dropped). */
  private rebuild(key: string, entry: ViewEntry): void {
    const view = this.build(entry.cluster, entry.view.query);
    if (!view) {
      this.views.delete(key);
      for (const win of [...entry.windows]) this.dropWith(win, 'cluster is resyncing; open the window again');
      return;
    }
    entry.view = view;
    for (const win of entry.windows) this.sendSnapshot(win, entry.view);
  }

  private build(cluster: string, ascending: NodeQuery): QueryView | undefined {
    const snap = this.snapshot(cluster, ascending);
    return snap && new QueryView(ascending, snap.nodes, snap.seq);
  }

  onClusterRemoved(cluster: string): void {
    for (const [key, entry] of [...this.views]) {
      if (entry.cluster !== cluster) continue;
      for (const win of [...entry.windows]) this.dropWith(win, 'cluster removed');
      this.views.delete(key);
    }
  }

  stats(): { views: number; windows: number; diffsSent: number } {
    let windows = 0;
    for (const m of this.byClient.values()) windows += m.size;
    return { views: this.views.size, windows, diffsSent: this.diffsSent };
  }

  private sendSnapshot(win: Window, view: QueryView): void {
    win.rows = view.slice(win.offset, win.limit, win.desc).map(toNodeRow);
    win.total = view.total;
    win.seq = view.seq;
    this.send(win.clientId, {
      type: 'window_snapshot',
      cluster_name: win.cluster,
      seq: view.seq,
      timestamp: this.iso(),
      data: {
        id: win.id,
        query: win.query,
        offset: win.offset,
        limit: win.limit,
        total: win.total,
        rows: win.rows,
      },
    });
  }

  private dropWith(win: Window, reason: string): void {
    this.detach(win);
    this.send(win.clientId, this.closed(win, reason));
  }

  private closed(win: Window, reason: string): ServerMessage {
    return {
      type: 'window_closed',
      cluster_name: win.cluster,
      timestamp: this.iso(),
      data: { id: win.id, reason },
    };
  }

  private detach(win: Window): void {
    const mine = this.byClient.get(win.clientId);
    if (mine?.get(win.id) === win) mine.delete(win.id);
    if (mine && mine.size === 0) this.byClient.delete(win.clientId);
    const entry = this.views.get(win.viewKey);
    if (!entry) return;
    entry.windows.delete(win);
    if (entry.windows.size === 0) {
      entry.idleSince = this.now();
      this.evictIdle(entry.cluster);
    }
  }

  /** Drops idle views of the cluster past their time, and the oldest beyond the per-cluster bound. */
  private evictIdle(cluster: string): void {
    const now = this.now();
    const idle = [...this.views].filter(([, e]) => e.cluster === cluster && e.idleSince !== null);
    idle.sort(([, a], [, b]) => (b.idleSince as number) - (a.idleSince as number));
    idle.forEach(([key, e], i) => {
      if (i >= IDLE_VIEWS_PER_CLUSTER || now - (e.idleSince as number) > IDLE_VIEW_MS) this.views.delete(key);
    });
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
