import { CloseCode } from '@/lib/protocol/close-codes';
import type { ClientMessage } from '@/lib/protocol/messages';
import type { ConnectionState, StreamClientOptions, Transport } from './stream-types';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
import { SsePool } from './sse-pool';
import { StreamBase } from './stream-base';
import { SseWindows, WINDOWS_STREAM } from './sse-windows';
import { WsConnection } from './ws-connection';

export type * from './stream-types';

/**
 * Framework-free realtime client: one WebSocket for all subscribed clusters, resuming each from the last
 * seq seen, with backoff reconnects and a per-cluster SSE fallback when WebSockets fail while the server
 * answers. Its status is honest: `live` only once a transport delivered its first frame, and any
 * transport failure (SSE included) shows at once.
 */
export class StreamClient extends StreamBase {
  private readonly backoff: BackoffOptions;
  private running = false;
  private online = true;
  private mode: 'ws' | 'sse' = 'ws';
  private ws: WsConnection | null = null;
  private wsGotMessage = false;
  private wsFailures = 0;
  private retryTimer: unknown = null;
  private probeTimer: unknown = null;
  /** bumps whenever the connection is torn down, so a late server probe answer is ignored */
  private probeGen = 0;
  private readonly sse: SsePool | null;
  private readonly sseWindows: SseWindows;

  constructor(private readonly opts: StreamClientOptions) {
    super(opts.clock);
    this.backoff = opts.backoff ?? defaultBackoff;
    const factory = opts.createEventSource;
    this.sse = factory
      ? new SsePool({
          factory,
          url: (cluster) =>
            cluster === WINDOWS_STREAM
              ? opts.sseWindows!.url
              : opts.sseUrl(cluster, this.tracker.last(cluster)),
          clock: opts.clock,
          backoff: this.backoff,
          onMessage: (cluster, data) => {
            const msg = this.parse(data);
            if (!msg) return;
            if (msg.type === 'connected' && cluster === WINDOWS_STREAM)
              this.sseWindows.connected(msg.data.connection_id);
            if (msg.type === 'connected' || msg.type === 'subscribed') this.sse?.markLive(cluster);
            this.status.touch();
            if (msg.type !== 'ping') this.dispatch(msg);
          },
          onStatus: (_cluster, recovered) => {
            this.updateSseStatus();
            // the server answers again: the WebSocket may work again too, try it now rather than later
            if (recovered && this.mode === 'sse' && !this.ws) this.connectWs();
          },
        })
      : null;
    const windows = opts.sseWindows;
    this.sseWindows = new SseWindows({
      post: windows?.post ?? (() => Promise.resolve()),
      setStream: (open) => {
        if (!this.sse || !windows || this.mode !== 'sse' || !this.running || !this.online) return;
        if (open && !this.sse.has(WINDOWS_STREAM)) this.sse.open(WINDOWS_STREAM);
        else if (!open) this.sse.close(WINDOWS_STREAM);
        this.updateSseStatus();
      },
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.mode = 'ws';
    this.wsFailures = 0;
    if (this.online) this.connectWs();
  }

  stop(): void {
    this.running = false;
    this.teardown();
    this.setState('offline');
  }

  /** Browsers report connectivity; going offline parks the client, coming back reconnects at once. */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (!this.running) return;
    this.teardown();
    if (online) {
      this.mode = 'ws';
      this.wsFailures = 0;
      this.connectWs();
    } else this.setState('offline');
  }

  /** Subscribes (or resubscribes after a resync) from `since`, normally the cached list's seq. */
  subscribe(cluster: string, since?: number): void {
    this.tracker.track(cluster, since, this.mode === 'ws');
    if (this.mode === 'ws') this.sendSubscribe(cluster, since);
    else if (this.running && this.online) this.openSse(cluster);
  }

  unsubscribe(cluster: string): void {
    if (!this.tracker.has(cluster)) return;
    this.tracker.untrack(cluster);
    if (this.ws?.isOpen()) this.send({ type: 'unsubscribe', data: { cluster } });
    this.sse?.close(cluster);
    this.updateSseStatus();
  }

  /**
   * Sends a client message: on the open WebSocket, or for a window request on SSE over HTTP (when
   * `sseWindows` is configured). False when it could not be sent; windows are asked for again when
   * the connection is live.
   */
  sendMessage(msg: ClientMessage): boolean {
    const windowMsg = msg.type === 'window' || msg.type === 'window_close';
    if (this.ws?.isOpen()) {
      if (windowMsg) this.sseWindows.track(msg);
      this.send(msg);
      return true;
    }
    if (!windowMsg) return false;
    if (this.mode === 'sse' && this.opts.sseWindows && this.running && this.online) {
      this.sseWindows.send(msg);
      return true;
    }
    this.sseWindows.track(msg);
    return false;
  }

  private setState(state: ConnectionState, transport: Transport | null = this.transport()): void {
    this.status.set(state, transport);
  }

  private transport(): Transport | null {
    if (!this.running || !this.online) return null;
    return this.mode === 'ws' ? 'websocket' : 'sse';
  }

  /** On SSE the badge follows the streams: live when all are, reconnecting while any is failing. */
  private updateSseStatus(): void {
    if (this.mode !== 'sse' || !this.running || !this.online) return;
    const health = this.sse?.health() ?? 'none';
    if (health === 'live') this.setState('live');
    else if (health === 'failing') this.setState('reconnecting');
    else if (this.getState() !== 'reconnecting') this.setState('connecting');
  }

  private send(msg: ClientMessage): void {
    this.ws?.send(JSON.stringify(msg));
  }

  private sendSubscribe(cluster: string, since: number | undefined): void {
    if (!this.ws?.isOpen()) return; // sent on open
    this.tracker.expectAck(cluster);
    this.send({ type: 'subscribe', data: since === undefined ? { cluster } : { cluster, since } });
  }

  private clear(timer: unknown): null {
    if (timer !== null) this.opts.clock.clearTimeout(timer);
    return null;
  }

  private teardown(): void {
    this.probeGen++;
    this.closeWs();
    this.retryTimer = this.clear(this.retryTimer);
    this.probeTimer = this.clear(this.probeTimer);
    this.closeSse();
  }

  private closeSse(): void {
    this.sse?.closeAll();
    this.sseWindows.reset();
  }

  private closeWs(): void {
    this.ws?.close();
    this.ws = null;
  }

  private connectWs(): void {
    this.retryTimer = this.clear(this.retryTimer);
    this.closeWs();
    // while on SSE this is a probe: the badge keeps following the SSE streams
    if (this.mode === 'ws')
      this.setState(
        this.getState() === 'offline' || this.getState() === 'connecting' ? 'connecting' : 'reconnecting',
      );
    this.wsGotMessage = false;
    this.ws = new WsConnection(
      {
        url: this.opts.wsUrl,
        createSocket: this.opts.createSocket,
        clock: this.opts.clock,
        connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
        idleTimeoutMs: this.opts.idleTimeoutMs ?? 60_000,
      },
      {
        // not live yet: that takes the server's `connected` frame (onWsMessage)
        onOpen: () => this.mode === 'ws' && this.subscribeAll(),
        onMessage: (data) => this.onWsMessage(data),
        onClosed: (code, reason) => this.onWsClosed(code, reason),
      },
    );
  }

  private subscribeAll(): void {
    for (const { cluster, since } of this.tracker.resumable()) this.sendSubscribe(cluster, since);
  }

  private onWsMessage(data: string): void {
    const msg = this.parse(data);
    if (!msg) return;
    if (!this.wsGotMessage) {
      this.wsGotMessage = true;
      this.wsFailures = 0;
    }
    if (msg.type === 'connected') {
      if (this.mode === 'sse') {
        // a probe succeeded: leave SSE, the WebSocket resumes every cluster from the last seq seen
        this.closeSse();
        this.probeTimer = this.clear(this.probeTimer);
        this.mode = 'ws';
        this.subscribeAll();
      }
      this.setState('live', 'websocket');
    }
    this.status.touch();
    if (msg.type === 'ping') {
      this.send({ type: 'pong', timestamp: msg.timestamp });
      return;
    }
    this.dispatch(msg);
  }

  private onWsClosed(code?: number, reason?: string): void {
    const wasUseful = this.wsGotMessage;
    this.closeWs();
    if (!this.running || !this.online) return;
    if (code === CloseCode.unauthorized) {
      // reconnecting cannot help: the same credentials were just refused
      this.stop();
      this.emit({ type: 'session_ended', reason: reason || 'session ended' });
      return;
    }
    if (this.mode === 'sse') {
      this.scheduleProbe();
      return;
    }
    this.wsFailures = wasUseful ? 0 : this.wsFailures + 1;
    this.setState('reconnecting');
    const max = this.opts.maxWsFailures ?? 3;
    if (!this.opts.createEventSource || this.wsFailures < max) return this.scheduleWsRetry();
    const probe = this.opts.probeServer;
    if (!probe) return this.enterSse();
    // sockets keep failing: blocked (the server answers HTTP) or down (it does not)?
    const gen = this.probeGen;
    void probe().then(
      (answers) => {
        if (gen !== this.probeGen || !this.running || !this.online || this.mode !== 'ws') return;
        if (answers) this.enterSse();
        else this.scheduleWsRetry();
      },
      () => gen === this.probeGen && this.running && this.scheduleWsRetry(),
    );
  }

  private scheduleWsRetry(): void {
    this.retryTimer = this.clear(this.retryTimer);
    const delay = backoffDelay(Math.max(0, this.wsFailures - 1), this.backoff, () =>
      this.opts.clock.random(),
    );
    this.retryTimer = this.opts.clock.setTimeout(() => {
      this.retryTimer = null;
      this.connectWs();
    }, delay);
  }

  private enterSse(): void {
    this.mode = 'sse';
    this.setState('connecting', 'sse');
    for (const cluster of this.tracker.clusters())
      if (!this.tracker.isResyncing(cluster)) this.openSse(cluster);
    // open windows need the stream that carries them; their subscriptions ask again once it is live
    if (this.opts.sseWindows && this.sseWindows.active()) {
      this.sse?.open(WINDOWS_STREAM);
      this.updateSseStatus();
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.probeTimer = this.clear(this.probeTimer);
    this.probeTimer = this.opts.clock.setTimeout(() => {
      this.probeTimer = null;
      if (this.mode === 'sse' && this.running && this.online) this.connectWs();
    }, this.opts.wsProbeIntervalMs ?? 60_000);
  }

  private openSse(cluster: string): void {
    if (!this.sse) return;
    // a fresh per-cluster stream starts at since+1: any jump on it is a real loss
    this.tracker.expectAck(cluster, false);
    this.sse.open(cluster);
    this.updateSseStatus();
  }

  /** SSE streams are per cluster and the server cannot be told to pause one: close until resubscribed */
  protected onBroken(cluster: string): void {
    this.sse?.close(cluster);
    this.updateSseStatus();
  }
}
