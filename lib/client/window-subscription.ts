import type { WindowRequest } from '@/lib/protocol/window';
import { Coalescer, type BatchScheduler } from './coalescer';
import type { StreamClient, Transport } from './stream-client';
import { applyWindowMessage, type WindowState } from './window-state';

type Stream = Pick<StreamClient, 'onEvent' | 'sendMessage' | 'getStatus'>;

export interface WindowSubscriptionOptions {
  /** a cluster that is not synced yet answers `cluster_syncing`: ask again after this long */
  retryMs?: number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  /** deliver at most the latest state per run of this scheduler (default: every state at once) */
  batch?: BatchScheduler;
}

/**
 * One live window over the shared stream client's connection (WebSocket, or the SSE fallback, where
 * the client posts requests to /api/v1/sse/windows): asks for it whenever the connection is (again)
 * live or the range/query changes, applies snapshots and diffs, and asks again on a gap.
 * Framework-free; a React hook feeds `onChange` into React Query.
 */
export class WindowSubscription {
  private wanted: WindowRequest | null = null;
  private held: WindowState | undefined;
  private off: (() => void) | null = null;
  private live: { transport: Transport | null } | null = null;
  private retry: unknown = null;
  private readonly delivery: Coalescer | null;
  private readonly schedule: (fn: () => void, ms: number) => unknown;
  private readonly cancel: (handle: unknown) => void;

  constructor(
    private readonly stream: Stream,
    private readonly onChange: (state: WindowState) => void,
    private readonly opts: WindowSubscriptionOptions = {},
  ) {
    this.schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms));
    this.cancel = opts.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.delivery = opts.batch
      ? new Coalescer(() => this.held && this.onChange(this.held), opts.batch)
      : null;
  }

  start(): void {
    if (this.off) return;
    // a connection already live counts as opened: its next state tick must not ask a second time
    const now = this.stream.getStatus();
    this.live = now.state === 'live' ? { transport: now.transport } : null;
    this.off = this.stream.onEvent((e) => {
      if (e.type === 'state') {
        // state events also tick while frames arrive: ask again only when a connection (re)opened
        const { state, transport } = e.status;
        const wasLive = this.live;
        this.live = state === 'live' ? { transport } : null;
        if (this.live && (!wasLive || wasLive.transport !== transport)) this.ask();
        return;
      }
      if (e.type !== 'message') return;
      const m = e.message;
      if (m.type === 'error' && m.data.code === 'cluster_syncing' && this.held === undefined) {
        if (this.retry === null)
          this.retry = this.schedule(() => {
            this.retry = null;
            if (this.held === undefined) this.ask();
          }, this.opts.retryMs ?? 1_000);
        return;
      }
      if ((m.type !== 'window_snapshot' && m.type !== 'window_diff') || m.data.id !== this.wanted?.id) return;
      const w = this.wanted;
      // an answer to an earlier range or query still in flight: the one asked for last is on its way
      if (
        m.type === 'window_snapshot' &&
        (m.data.offset !== w.offset ||
          m.data.limit !== w.limit ||
          m.cluster_name !== w.cluster ||
          m.data.query !== w.query)
      )
        return;
      if (m.type === 'window_diff' && this.held === undefined) return;
      const r = applyWindowMessage(this.held, m);
      if (!r.ok) return this.ask(); // missed a message: the server answers with a fresh snapshot
      this.held = r.state;
      if (this.delivery) this.delivery.poke();
      else this.onChange(r.state);
    });
  }

  /**
   * Opens the window, or moves it (scrolling) / changes its query on the same connection: one
   * `window` request for the same id, answered with one snapshot (the server re-queries in place).
   */
  set(req: WindowRequest): void {
    const same =
      this.wanted &&
      this.wanted.cluster === req.cluster &&
      this.wanted.query === req.query &&
      this.wanted.offset === req.offset &&
      this.wanted.limit === req.limit;
    this.wanted = req;
    if (!same) this.ask();
  }

  /** The request last sent (or to be sent): the range the caller should expect rows for. */
  current(): WindowRequest | null {
    return this.wanted;
  }

  stop(): void {
    if (this.wanted) this.stream.sendMessage({ type: 'window_close', data: { id: this.wanted.id } });
    if (this.retry !== null) this.cancel(this.retry);
    this.retry = null;
    this.delivery?.cancel();
    this.off?.();
    this.off = null;
    this.wanted = null;
    this.held = undefined;
  }

  private ask(): void {
    if (!this.wanted) return;
    this.held = undefined;
    this.stream.sendMessage({ type: 'window', data: this.wanted });
  }
}
