import { CloseCode } from '@/lib/protocol/close-codes';
import type { ClientMessage, ServerMessage } from '@/lib/protocol/messages';
import type { ConnectionState, StreamClientOptions, StreamEvent } from './stream-types';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
import { SeqTracker } from './seq-tracker';
import { parseServerMessage } from './parse-server-message';
import { SsePool } from './sse-pool';
import type { SocketHandle } from './stream-transport';

export type { ConnectionState, StreamClientOptions, StreamEvent } from './stream-types';

/**
 * Framework-free realtime client: one WebSocket for all subscribed clusters, resuming each from the last
 * seq seen, with backoff reconnects and a per-cluster SSE fallback after repeated WebSocket failures.
 */
export class StreamClient {
  private readonly tracker = new SeqTracker();
  private readonly listeners = new Set<(e: StreamEvent) => void>();
  private readonly backoff: BackoffOptions;
  private state: ConnectionState = 'offline';
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
  private readonly sse: SsePool | null;

  constructor(private readonly opts: StreamClientOptions) {
    this.backoff = opts.backoff ?? defaultBackoff;
    const factory = opts.createEventSource;
    this.sse = factory
      ? new SsePool({
          factory,
          url: (cluster) => opts.sseUrl(cluster, this.tracker.last(cluster)),
          clock: opts.clock,
          backoff: this.backoff,
          onMessage: (_cluster, data) => {
            const msg = this.parse(data);
            if (msg && msg.type !== 'ping') this.dispatch(msg);
          },
        })
      : null;
  }

  getState(): ConnectionState {
    return this.state;
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

  private setState(s: ConnectionState): void {
    if (s === this.state) return;
    this.state = s;
    this.emit({ type: 'state', state: s });
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
    if (this.mode === 'ws')
      this.setState(this.state === 'offline' || this.state === 'connecting' ? 'connecting' : 'reconnecting');
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
    if (this.mode === 'sse') {
      // a probe succeeded: leave SSE, the WebSocket resumes every cluster from the last seq seen
      this.sse?.closeAll();
      this.probeTimer = this.clear(this.probeTimer);
      this.mode = 'ws';
    }
    this.setState('live');
    this.armIdle();
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
    const max = this.opts.maxWsFailures ?? 3;
    if (this.opts.createEventSource && this.wsFailures >= max) {
      this.enterSse();
      return;
    }
    this.setState('reconnecting');
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
    this.setState('fallback-sse');
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
  }

  private parse(data: string): ServerMessage | null {
    const r = parseServerMessage(data);
    if (r.ok) return r.message;
    this.emit({ type: 'protocol_error', error: r.error });
    return null;
  }

  private resync(cluster: string, reason: string): void {
    // SSE streams are per cluster and the server cannot be told to pause one: close until resubscribed
    this.sse?.close(cluster);
    this.emit({ type: 'resync', cluster, reason });
  }

  private dispatch(msg: ServerMessage): void {
    switch (msg.type) {
      case 'node_add':
      case 'node_update':
      case 'node_delete': {
        const verdict = this.tracker.accept(msg.cluster_name, msg.seq);
        if (verdict === 'apply') this.emit({ type: 'message', message: msg });
        else if (verdict === 'gap') this.resync(msg.cluster_name, `seq gap: got ${msg.seq}`);
        return;
      }
      case 'resync':
        if (this.tracker.has(msg.cluster_name)) {
          this.tracker.markResync(msg.cluster_name);
          this.resync(msg.cluster_name, msg.data.reason);
        }
        return;
      case 'subscribed':
        if (this.tracker.observeServerSeq(msg.cluster_name, msg.seq, true))
          this.resync(msg.cluster_name, 'server seq went backwards');
        break;
      case 'connected':
        for (const [cluster, { seq }] of Object.entries(msg.data.clusters)) {
          if (this.tracker.last(cluster) !== undefined && this.tracker.observeServerSeq(cluster, seq)) {
            this.resync(cluster, 'server seq went backwards');
          }
        }
        break;
      default:
        break;
    }
    this.emit({ type: 'message', message: msg });
  }
}
