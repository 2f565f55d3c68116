import type { Logger } from 'pino';
import { canAccessCluster } from '@/lib/auth/permissions';
import type { Principal } from '@/lib/auth/types';
import { metrics } from '@/lib/metrics/hooks';
import type { ClientMessage, ServerMessage } from '@/lib/protocol/messages';
import type { ChangeSource, ManagerEvent, NodeChange } from '@/lib/realtime/types';
import { ClusterStatusFeed, type ClusterStatusData } from './cluster-status-feed';
import { Fanout } from './fanout';
import { SharedFrame, changeFrame } from './frames';
import { ClientIndex, type ClientState } from './client-index';
import { findRevoked } from './revalidate';
import { WindowHub, type WindowResult } from './windows';
import {
  CloseCode,
  defaultHubLimits,
  type AccessResult,
  type ConnectResult,
  type HubLimits,
  type PushClient,
  type PushStats,
  type SubscribeResult,
  type SubscriptionRequest,
} from './types';

export interface PushHubOptions {
  source: ChangeSource;
  now?: () => number;
  limits?: Partial<HubLimits>;
  /** re-checks a connected principal (session revoked, token deleted, user disabled) */
  stillValid?: (principal: Principal) => Promise<boolean>;
  logger?: Pick<Logger, 'warn' | 'debug'>;
  /**
   * The cluster's own say on reading its cached nodes (impersonate / oidc-token modes): the reason
   * when the user may not list nodes there, undefined when they may. Asked before every subscribe.
   */
  readGate?: (principal: Principal, cluster: string) => Promise<string | undefined>;
  /** a cluster's status and counts: given, every reader of a cluster is pushed `cluster_status` */
  clusterStatus?: (cluster: string) => ClusterStatusData | undefined;
}

/**
 * Fan-out core shared by the WebSocket and SSE transports: tracks clients and their cluster
 * subscriptions, replays missed changes on (re)subscribe, serializes each change once for all
 * subscribers and drops clients that cannot keep up. No sockets and no timers except the optional
 * revalidation interval started by start().
 */
export class PushHub {
  readonly limits: HubLimits;
  private readonly source: ChangeSource;
  private readonly now: () => number;
  private readonly stillValid?: (p: Principal) => Promise<boolean>;
  private readonly logger?: Pick<Logger, 'warn' | 'debug'>;
  private readonly readGate?: PushHubOptions['readGate'];
  private readonly index = new ClientIndex();
  private readonly fanout: Fanout;
  private readonly counters = { rejected: 0, revalidation: 0, resumes: 0, resyncs: 0 };
  private readonly unsubscribeSource: () => void;
  private readonly statusFeed?: ClusterStatusFeed;
  private revalidateTimer?: NodeJS.Timeout;
  private revalidating = false;
  private revalidateAgain = false;
  private closing = false;
  /** live windowed queries over these same connections */
  readonly windows: WindowHub;

  constructor(opts: PushHubOptions) {
    this.source = opts.source;
    this.now = opts.now ?? Date.now;
    this.limits = { ...defaultHubLimits, ...opts.limits };
    this.stillValid = opts.stillValid;
    this.logger = opts.logger;
    this.readGate = opts.readGate;
    this.fanout = new Fanout(this.index, this.limits.maxBufferedBytes, opts.logger);
    const read = opts.clusterStatus;
    if (read)
      this.statusFeed = new ClusterStatusFeed({ read, publish: (c, data) => this.publishStatus(c, data) });
    this.windows = new WindowHub(
      (cluster, query) => this.source.snapshot?.(cluster, query),
      (clientId, message) => {
        const state = this.index.get(clientId);
        // checks the buffer: a client that cannot keep up is dropped as for node events
        if (state) this.fanout.message(state, message);
      },
      this.now,
    );
    this.unsubscribeSource = this.source.subscribe((event) => this.onManagerEvent(event));
  }

  /** Starts the periodic principal revalidation (unref'd; stopped by closeAll/dispose). */
  start(): void {
    if (this.revalidateTimer || this.closing) return;
    this.revalidateTimer = setInterval(() => void this.revalidate(), this.limits.revalidateIntervalMs);
    this.revalidateTimer.unref();
  }

  checkAccess(principal: Principal, cluster: string): AccessResult {
    if (!canAccessCluster(principal, cluster)) return 'forbidden';
    return this.source.hasCluster(cluster) ? 'ok' : 'unknown_cluster';
  }

  /** Why the cluster does not let this principal read its nodes, or undefined (adapters ask before subscribing). */
  async readDenied(principal: Principal, cluster: string): Promise<string | undefined> {
    return this.readGate ? this.readGate(principal, cluster) : undefined;
  }

  /** Whether a new connection of this principal would be admitted (adapters ask before upgrading work). */
  admission(principal: Principal): ConnectResult {
    if (this.closing) return { ok: false, code: CloseCode.shutdown, reason: 'server shutting down' };
    if (principal.expiresAt !== undefined && principal.expiresAt <= this.now()) {
      return { ok: false, code: CloseCode.unauthorized, reason: 'credentials expired' };
    }
    if (this.index.size >= this.limits.maxConnections) {
      return { ok: false, code: CloseCode.tryAgainLater, reason: 'too many connections' };
    }
    if (this.index.userCount(principal.userId) >= this.limits.maxConnectionsPerUser) {
      return { ok: false, code: CloseCode.tryAgainLater, reason: 'too many connections for this user' };
    }
    return { ok: true };
  }

  /**
   * Registers a client, sends `connected`, then subscribes it to the requested clusters (replay or
   * resync each). A rejected client is not registered; the adapter closes it with the returned code.
   */
  connect(client: PushClient, subscriptions: SubscriptionRequest[] = []): ConnectResult {
    const admitted = this.admission(client.principal);
    if (!admitted.ok) {
      this.counters.rejected++;
      return admitted;
    }
    if (this.index.has(client.id))
      return { ok: false, code: CloseCode.policyViolation, reason: 'duplicate id' };
    const state = this.index.add(client);
    const clusters: Record<string, { seq: number }> = {};
    for (const sub of subscriptions) {
      if (this.checkAccess(client.principal, sub.cluster) === 'ok') {
        clusters[sub.cluster] = { seq: this.source.currentSeq(sub.cluster) };
      }
    }
    this.fanout.message(state, {
      type: 'connected',
      timestamp: this.isoNow(),
      data: { connection_id: client.id, user: client.principal.username, clusters },
    });
    for (const sub of subscriptions) {
      if (state.closed) break;
      const res = this.subscribe(client.id, sub.cluster, sub.since);
      if (!res.ok) this.sendError(state, res.code, res.message);
    }
    return { ok: true };
  }

  /** Forgets a client; idempotent, called by adapters when the socket or stream ends. */
  disconnect(clientId: string): void {
    this.windows.dropClient(clientId);
    this.index.remove(clientId);
  }

  /**
   * Subscribes a client to a cluster. With `since` (the last seq the client saw) the missed changes
   * are replayed in order, or a `resync` is sent when the history no longer reaches back (or the
   * replay would not fit the client's buffer). Always ends with `subscribed` carrying the resume seq.
   */
  subscribe(clientId: string, cluster: string, since?: number): SubscribeResult {
    const state = this.index.get(clientId);
    if (!state) return { ok: false, code: 'unknown_client', message: 'connection is closed' };
    const access = this.checkAccess(state.client.principal, cluster);
    if (access === 'forbidden')
      return { ok: false, code: 'forbidden', message: `no access to cluster "${cluster}"` };
    if (access === 'unknown_cluster') {
      return { ok: false, code: 'unknown_cluster', message: `unknown cluster "${cluster}"` };
    }
    if (!state.clusters.has(cluster) && state.clusters.size >= this.limits.maxClustersPerConnection) {
      return {
        ok: false,
        code: 'too_many_clusters',
        message: `at most ${this.limits.maxClustersPerConnection} clusters per connection`,
      };
    }
    const current = this.source.currentSeq(cluster);
    let replay: NodeChange[] = [];
    let resyncReason: string | undefined;
    if (since !== undefined) {
      const result = this.source.changesSince(cluster, since);
      if (!result.ok) resyncReason = result.reason;
      else if (replayBytes(result.changes) > this.limits.maxBufferedBytes / 2)
        resyncReason = 'too_many_changes';
      else replay = result.changes;
    }
    this.index.join(state, cluster, since !== undefined && resyncReason === undefined ? since : current);
    if (resyncReason !== undefined) {
      this.counters.resyncs++;
      this.fanout.frame(state, this.resyncFrame(cluster, current, resyncReason), false);
    } else if (since !== undefined) this.counters.resumes++;
    let replayed = 0;
    for (const change of replay) {
      if (state.closed) break;
      if (this.fanout.change(state, change, false)) replayed++;
    }
    if (state.closed) return { ok: false, code: 'unknown_client', message: 'connection is closed' };
    const seq = state.clusters.get(cluster) ?? current;
    const ack: ServerMessage = {
      type: 'subscribed',
      cluster_name: cluster,
      seq,
      timestamp: this.isoNow(),
      data: { replayed },
    };
    this.fanout.frame(state, new SharedFrame(ack, { cluster, seq }), true);
    return { ok: true, seq, replayed, resync: resyncReason !== undefined };
  }

  unsubscribe(clientId: string, cluster: string): boolean {
    const state = this.index.get(clientId);
    if (!state || !this.index.leave(state, cluster)) return false;
    this.fanout.message(state, { type: 'unsubscribed', cluster_name: cluster, timestamp: this.isoNow() });
    return true;
  }

  /** Acts on an already validated client message (adapters parse with parseClientFrame). */
  handleClientMessage(clientId: string, msg: ClientMessage): void {
    const state = this.index.get(clientId);
    if (!state) return;
    switch (msg.type) {
      case 'subscribe': {
        const { cluster, since } = msg.data;
        return this.afterReadGate(state, cluster, () => {
          const res = this.subscribe(clientId, cluster, since);
          if (!res.ok) this.sendError(clientId, res.code, res.message);
        });
      }
      case 'unsubscribe':
        if (!this.unsubscribe(clientId, msg.data.cluster)) {
          this.sendError(state, 'not_subscribed', `not subscribed to cluster "${msg.data.cluster}"`);
        }
        return;
      case 'ping':
        this.fanout.message(state, { type: 'pong', timestamp: this.isoNow() });
        return;
      case 'window': {
        // a window reads the cached nodes as much as a subscription does: the same gate
        return this.afterReadGate(state, msg.data.cluster, () => {
          const access = this.checkAccess(state.client.principal, msg.data.cluster);
          const res: WindowResult =
            access !== 'ok'
              ? { ok: false, code: access, message: `no window on cluster "${msg.data.cluster}"` }
              : this.windows.request(clientId, msg.data);
          if (!res.ok) this.sendError(state, res.code, res.message);
        });
      }
      case 'window_close':
        if (!this.windows.close(clientId, msg.data.id))
          this.sendError(state, 'unknown_window', `no window "${msg.data.id}"`);
        return;
      case 'pong':
        return;
    }
  }

  /**
   * Runs `go` once the cluster lets this client's user read its nodes (impersonate / oidc-token
   * modes ask it by access review, cached); otherwise answers `forbidden` with the cluster's reason.
   * Without a gate (shared mode everywhere) `go` runs at once, keeping scroll requests in order.
   */
  private afterReadGate(state: ClientState, cluster: string, go: () => void): void {
    const clientId = state.client.id;
    const decide = (denied: string | undefined) => {
      if (denied) return this.sendError(clientId, 'forbidden', denied);
      go();
    };
    if (!this.readGate) return decide(undefined);
    this.readDenied(state.client.principal, cluster)
      .then(decide, (err: unknown) =>
        decide(`the cluster's permissions could not be checked: ${(err as Error).message}`),
      )
      .catch((err: unknown) => this.logger?.warn({ err, cluster }, 'a request after the read gate failed'));
  }

  /**
   * A window request that came over HTTP for an SSE connection: only the connection's own user may
   * steer it. False when no such connection of this user is here (on this replica).
   */
  windowRequest(connectionId: string, principal: Principal, msg: ClientMessage): boolean {
    const state = this.index.get(connectionId);
    if (!state || state.closed || state.client.principal.userId !== principal.userId) return false;
    this.handleClientMessage(connectionId, msg);
    return true;
  }

  sendError(target: string | ClientState, code: string, message: string): void {
    const state = typeof target === 'string' ? this.index.get(target) : target;
    if (state)
      this.fanout.message(state, { type: 'error', timestamp: this.isoNow(), data: { code, message } });
  }

  /** Sends a message (operation_progress, test, ...) to every subscriber of a cluster; returns recipients. */
  broadcastToCluster(cluster: string, message: ServerMessage): number {
    return this.fanout.toCluster(cluster, new SharedFrame(message));
  }

  /** Routes by cluster_name: cluster subscribers, or every client for a message without one. */
  publish(message: ServerMessage): number {
    if (message.cluster_name !== undefined) return this.broadcastToCluster(message.cluster_name, message);
    const frame = new SharedFrame(message);
    let sent = 0;
    for (const state of this.index.all()) if (this.fanout.frame(state, frame, true)) sent++;
    return sent;
  }

  /**
   * Closes clients whose principal expired or is no longer valid (4001). Never rejects. With `only`,
   * re-checks just the matching principals (a revocation named by the control bus) and always runs.
   * A full sweep asked for during another one gets a pass of its own right after, so a revocation
   * that lands mid-pass is not missed.
   */
  async revalidate(only?: (principal: Principal) => boolean): Promise<void> {
    if (!only && this.revalidating) {
      this.revalidateAgain = true;
      return;
    }
    if (!only) this.revalidating = true;
    try {
      const states = this.index
        .all()
        .filter((state) => !only || only(state.client.principal))
        .map((state) => ({ state, principal: state.client.principal }));
      const revoked = await findRevoked(states, this.now(), this.stillValid, (err, p) =>
        this.logger?.warn({ err, user: p.username }, 'principal revalidation failed; keeping connection'),
      );
      for (const { state } of revoked) {
        if (state.closed) continue;
        this.counters.revalidation++;
        this.sendError(state, 'unauthorized', 'credentials expired or revoked');
        this.fanout.close(state, CloseCode.unauthorized, 'credentials expired or revoked');
      }
    } finally {
      if (!only) this.revalidating = false;
    }
    if (this.revalidateAgain && !this.closing) {
      this.revalidateAgain = false;
      await this.revalidate();
    }
  }

  stats(): PushStats {
    const clusters: PushStats['clusters'] = {};
    for (const cluster of this.index.clusterNames()) {
      const seq = this.source.hasCluster(cluster) ? this.source.currentSeq(cluster) : 0;
      clusters[cluster] = { seq, subscribers: this.index.subscribers(cluster)?.size ?? 0 };
    }
    return {
      connections: this.index.counts(),
      ...this.fanout.counters,
      rejectedConnections: this.counters.rejected,
      revalidationCloses: this.counters.revalidation,
      resumes: this.counters.resumes,
      resyncs: this.counters.resyncs,
      byTransport: {
        ws: { ...this.fanout.byTransport.ws },
        sse: { ...this.fanout.byTransport.sse },
      },
      clusters,
    };
  }

  /** Shutdown: every client gets a final `shutdown` message and is closed (1001); new connects are refused. */
  closeAll(code: number = CloseCode.shutdown, reason = 'server shutting down'): void {
    this.closing = true;
    this.stopTimer();
    this.statusFeed?.dispose();
    const frame = new SharedFrame({ type: 'shutdown', timestamp: this.isoNow() });
    for (const state of this.index.all()) {
      this.fanout.frame(state, frame, false);
      this.fanout.close(state, code, reason);
    }
  }

  /** Detaches from the change source (after closeAll, or in tests). */
  dispose(): void {
    this.stopTimer();
    this.statusFeed?.dispose();
    this.unsubscribeSource();
  }

  /** To every connection whose user may read the cluster, subscribed or not (the cluster tabs). */
  private publishStatus(cluster: string, data: ClusterStatusData): void {
    const frame = new SharedFrame({
      type: 'cluster_status',
      cluster_name: cluster,
      timestamp: this.isoNow(),
      data,
    });
    for (const state of this.index.all())
      if (canAccessCluster(state.client.principal, cluster)) this.fanout.frame(state, frame, true);
  }

  private stopTimer(): void {
    if (this.revalidateTimer) clearInterval(this.revalidateTimer);
    this.revalidateTimer = undefined;
  }

  private onManagerEvent(event: ManagerEvent): void {
    switch (event.kind) {
      case 'change': {
        this.statusFeed?.touch(event.change.cluster);
        this.windows.onChange(event.change);
        const set = this.index.subscribers(event.change.cluster);
        if (!set) return;
        const t0 = performance.now();
        for (const state of set) this.fanout.change(state, event.change, true);
        metrics().pushChangeFannedOut(event.change.cluster, t0);
        return;
      }
      case 'resync': {
        this.windows.onResync(event.cluster);
        const set = this.index.subscribers(event.cluster);
        if (!set) return;
        this.counters.resyncs += set.size;
        const frame = this.resyncFrame(event.cluster, event.seq, event.reason);
        for (const state of set) {
          state.clusters.set(event.cluster, event.seq);
          this.fanout.frame(state, frame, true);
        }
        return;
      }
      case 'cluster_removed': {
        this.statusFeed?.forget(event.cluster);
        this.windows.onClusterRemoved(event.cluster);
        const set = this.index.subscribers(event.cluster);
        if (!set) return;
        for (const state of [...set]) {
          this.sendError(state, 'cluster_removed', `cluster "${event.cluster}" was removed`);
          this.unsubscribe(state.client.id, event.cluster);
        }
        return;
      }
      case 'cluster_status':
        this.statusFeed?.touch(event.cluster);
        return;
    }
  }

  private resyncFrame(cluster: string, seq: number, reason: string): SharedFrame {
    return new SharedFrame(
      { type: 'resync', cluster_name: cluster, seq, timestamp: this.isoNow(), data: { reason } },
      { cluster, seq },
    );
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}

function replayBytes(changes: NodeChange[]): number {
  let bytes = 0;
  for (const change of changes) bytes += changeFrame(change).sse.length;
  return bytes;
}
