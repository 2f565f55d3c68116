import type { WindowRequest } from '@/lib/protocol/window';
import type { StreamClient } from './stream-client';
import { applyWindowMessage, type WindowState } from './window-state';

type Stream = Pick<StreamClient, 'onEvent' | 'sendMessage'>;

/**
 * One live window over the shared stream client's WebSocket: asks for it whenever the socket is
 * (again) live or the range/query changes, applies snapshots and diffs, and asks again on a gap.
 * Framework-free; a React hook feeds `onChange` into React Query. Over the SSE fallback windows go
 * through POST /api/v1/sse/windows, which this class does not do yet: it then stays at the last rows.
 */
export class WindowSubscription {
  private wanted: WindowRequest | null = null;
  private held: WindowState | undefined;
  private off: (() => void) | null = null;

  constructor(
    private readonly stream: Stream,
    private readonly onChange: (state: WindowState) => void,
  ) {}

  start(): void {
    if (this.off) return;
    this.off = this.stream.onEvent((e) => {
      if (e.type === 'state' && e.status.state === 'live') this.ask();
      if (e.type !== 'message') return;
      const m = e.message;
      if ((m.type !== 'window_snapshot' && m.type !== 'window_diff') || m.data.id !== this.wanted?.id) return;
      const w = this.wanted;
      // an answer to an earlier range still in flight: the one asked for last is on its way
      if (m.type === 'window_snapshot' && (m.data.offset !== w.offset || m.data.limit !== w.limit)) return;
      if (m.type === 'window_diff' && this.held === undefined) return;
      const r = applyWindowMessage(this.held, m);
      if (!r.ok) return this.ask(); // missed a message: the server answers with a fresh snapshot
      this.held = r.state;
      this.onChange(r.state);
    });
  }

  /** Opens the window, or moves it (scrolling) / changes its query on the same connection. */
  set(req: WindowRequest): void {
    const same =
      this.wanted &&
      this.wanted.cluster === req.cluster &&
      this.wanted.query === req.query &&
      this.wanted.offset === req.offset &&
      this.wanted.limit === req.limit;
    this.wanted = req;
    if (!same) {
      this.held = undefined;
      this.ask();
    }
  }

  stop(): void {
    if (this.wanted) this.stream.sendMessage({ type: 'window_close', data: { id: this.wanted.id } });
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
