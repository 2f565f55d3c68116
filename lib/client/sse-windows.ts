import type { ClientMessage } from '@/lib/protocol/messages';
import type { SseWindowBody, WindowRequest } from '@/lib/protocol/window';

/** The SSE pool's key for the stream that carries windows: no cluster name can contain '#'. */
export const WINDOWS_STREAM = '#windows';

type WindowMessage = Extract<ClientMessage, { type: 'window' | 'window_close' }>;

export interface SseWindowsOptions {
  /** POST /api/v1/sse/windows; a failure is left to the next (re)connect, which asks again */
  post: (body: SseWindowBody) => Promise<void>;
  /** opens (or, with false, closes) the SSE stream without clusters that carries the windows */
  setStream: (open: boolean) => void;
}

/**
 * Live windows while the client is on SSE, which cannot send: requests go over HTTP with the windows
 * stream's connection_id, answers arrive on that stream. It also remembers the open windows while on
 * the WebSocket, so a fallback knows whether it needs the stream. A request made before the stream's
 * `connected` is dropped: the window subscription asks again once the connection is live.
 */
export class SseWindows {
  private readonly open = new Map<string, WindowRequest>();
  private connectionId: string | null = null;

  constructor(private readonly opts: SseWindowsOptions) {}

  /** Notes a window request or close (whatever the transport). */
  track(msg: WindowMessage): void {
    if (msg.type === 'window') this.open.set(msg.data.id, msg.data);
    else this.open.delete(msg.data.id);
  }

  active(): boolean {
    return this.open.size > 0;
  }

  /** On SSE: sends the request over HTTP, opening or closing the windows stream as needed. */
  send(msg: WindowMessage): void {
    const closing = msg.type === 'window_close' ? this.open.get(msg.data.id) : undefined;
    this.track(msg);
    if (!this.active()) {
      // the server forgets a stream's windows when it ends: no close to post
      this.opts.setStream(false);
      this.connectionId = null;
      return;
    }
    this.opts.setStream(true);
    if (this.connectionId === null) return;
    const body: SseWindowBody | null =
      msg.type === 'window'
        ? { connection_id: this.connectionId, ...msg.data }
        : closing
          ? { connection_id: this.connectionId, ...closing, close: true }
          : null;
    if (body) void this.opts.post(body).catch(() => undefined);
  }

  /** The windows stream's `connected` frame: requests go to this connection from now on. */
  connected(connectionId: string): void {
    this.connectionId = connectionId;
  }

  /** The stream was closed (back on the WebSocket, or torn down). */
  reset(): void {
    this.connectionId = null;
  }
}
