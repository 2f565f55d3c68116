import { CloseCode } from '@/lib/protocol/close-codes';
import type { ClientMessage, ServerMessage } from '@/lib/protocol/messages';
import type {
  ConnectionState,
  ConnectionStatus,
  StreamClientOptions,
  StreamEvent,
  Transport,
} from './stream-types';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
import { SeqTracker } from './seq-tracker';
import { StatusKeeper } from './connection-status';
import { parseOrReport, routeMessage } from './stream-router';
import { SsePool } from './sse-pool';
import type { SocketHandle } from './stream-transport';

export type * from './stream-types';

/**
 * Framework-free realtime client: one WebSocket for all subscribed clusters, resuming each from the last
 * seq seen, with backoff reconnects and a per-cluster SSE fallback when WebSockets fail while the server
 * answers. Its status is honest: `live` only once a transport delivered its first frame, and any
 * transport failure (SSE included) shows at once.
 */
export class StreamClient {
  private readonly tracker = new SeqTracker();
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly backoff: BackoffOptions;
  private readonly status: StatusKeeper;
  private running = false;
  private online = true;
  private mode: 'ws' | 'sse' = 'ws';
  private ws: SocketHandle | null = null;
  private wsGen = 0;
  private wsOpen = false;
  private wsGotMessage = false;
  private wsFailures = 0;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private idleTimer: unknown = null;
  private probeTimer: unknown = null;
  /** bumps whenever the connection is torn down, so a late server probe answer is ignored */
  private probeGen = 0;
  private readonly sse: SsePool | null;

  constructor(private readonly opts: StreamClientOptions) {
    this.backoff = opts.backoff ?? defaultBackoff;
    this.status = new StatusKeeper(opts.clock, (status) => this.emit({ type: 'state', status }));
    const factory = opts.createEventSource;
    this.sse = factory
      ? new SsePool({
          factory,
          url: (cluster) => opts.sseUrl(cluster, this.tracker.last(cluster)),
          clock: opts.clock,
          backoff: this.backoff,
          onMessage: (cluster, data) => {
            const msg = this.parse(data);
            if (!msg) return;
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
  }

  getState(): ConnectionState {
    return this.status.get().state;
  }

  /** An immutable snapshot, replaced on every change (safe for useSyncExternalStore). */
  getStatus(): ConnectionStatus {
    return this.status.get();
  }

  lastSeq(cluster: string): number | undefined {
    return this.tracker.last(cluster);
  }

  isResyncing(cluster: string): boolean {
    return this.tracker.isResyncing(cluster);
  }

  onEvent(listener: (e: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    if (this.wsOpen) this.send({ type: 'unsubscribe', data: { cluster } });
    this.sse?.close(cluster);
    this.updateSseStatus();
  }

  /** Sends a client message (a window request) on the open WebSocket; false when none is open. */
  sendMessage(msg: ClientMessage): boolean {
    if (!this.wsOpen) return false;
    this.send(msg);
    return true;
  }

  private emit(e: StreamEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // a listener bug must not break the stream for the other listeners
        console.error('stream listener failed', err);
      }
    }
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
    if (!this.wsOpen) return; // sent on open
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
    this.sse?.closeAll();
  }

  private closeWs(): void {
    this.wsGen++;
    this.connectTimer = this.clear(this.connectTimer);
    this.idleTimer = this.clear(this.idleTimer);
    const ws = this.ws;
    this.ws = null;
    this.wsOpen = false;
    ws?.close(1000, 'client closing');
  }

  private connectWs(): void {
    this.retryTimer = this.clear(this.retryTimer);
    this.closeWs();
    // while on SSE this is a probe: the badge keeps following the SSE streams
    if (this.mode === 'ws')
      this.setState(
        this.getState() === 'offline' || this.getState() === 'connecting' ? 'connecting' : 'reconnecting',
      );
    const gen = this.wsGen;
    this.wsGotMessage = false;
    this.ws = this.opts.createSocket(this.opts.wsUrl, {
      onOpen: () => gen === this.wsGen && this.onWsOpen(),
      onMessage: (data) => gen === this.wsGen && this.onWsMessage(data),
      onClose: (code, reason) => gen === this.wsGen && this.onWsClosed(code, reason),
    });
    this.connectTimer = this.opts.clock.setTimeout(() => {
      if (gen === this.wsGen && !this.wsOpen) this.onWsClosed();
    }, this.opts.connectTimeoutMs ?? 10_000);
  }

  private onWsOpen(): void {
    this.connectTimer = this.clear(this.connectTimer);
    this.wsOpen = true;
    this.armIdle();
    // not live yet: that takes the server's `connected` frame (onWsMessage)
    if (this.mode === 'ws') this.subscribeAll();
  }

  private subscribeAll(): void {
    for (const { cluster, since } of this.tracker.resumable()) this.sendSubscribe(cluster, since);
  }

  private armIdle(): void {
    this.idleTimer = this.clear(this.idleTimer);
    const gen = this.wsGen;
    this.idleTimer = this.opts.clock.setTimeout(() => {
      if (gen === this.wsGen) this.onWsClosed();
    }, this.opts.idleTimeoutMs ?? 60_000);
  }

  private onWsMessage(data: string): void {
    this.armIdle();
    const msg = this.parse(data);
    if (!msg) return;
    if (!this.wsGotMessage) {
      this.wsGotMessage = true;
      this.wsFailures = 0;
    }
    if (msg.type === 'connected') {
      if (this.mode === 'sse') {
        // a probe succeeded: leave SSE, the WebSocket resumes every cluster from the last seq seen
        this.sse?.closeAll();
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

  private parse(data: string): ServerMessage | null {
    return parseOrReport(data, (e) => this.emit(e));
  }

  private dispatch(msg: ServerMessage): void {
    routeMessage(msg, {
      tracker: this.tracker,
      emit: (e) => this.emit(e),
      // SSE streams are per cluster and the server cannot be told to pause one: close until resubscribed
      onBroken: (cluster) => {
        this.sse?.close(cluster);
        this.updateSseStatus();
      },
    });
  }
}
