import type { Logger } from 'pino';
import { canAccessCluster } from '@/lib/auth/permissions';
import type { Principal } from '@/lib/auth/types';
import type { ClientMessage, ServerMessage } from '@/lib/protocol/messages';
import type { ChangeSource, NodeChange } from '@/lib/realtime/types';
import { ClusterStatusFeed, type ClusterStatusData } from './cluster-status-feed';
import { Fanout } from './fanout';
import { SharedFrame, replayBytes, resyncFrame } from './frames';
import { ClientIndex, type ClientState } from './client-index';
import { hubStats, isoNow, sendError, type HubCore } from './hub-core';
import { HubMessages } from './hub-messages';
import { Revalidator } from './revalidation';
import { publishClusterStatus, routeSourceEvent } from './source-events';
import { WindowHub } from './windows';
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
 * revalidation interval started by start(). Its parts share one HubCore (hub-core.ts): client
 * messages (hub-messages.ts), revalidation (revalidation.ts), source events (source-events.ts).
 */
export class PushHub {
  readonly limits: HubLimits;
  private readonly core: HubCore;
  private readonly messages: HubMessages;
  private readonly revalidator: Revalidator;
  private readonly unsubscribeSource: () => void;
  private readonly statusFeed?: ClusterStatusFeed;
  private closing = false;
  /** live windowed queries over these same connections */
  readonly windows: WindowHub;

  constructor(opts: PushHubOptions) {
    this.limits = { ...defaultHubLimits, ...opts.limits };
    const index = new ClientIndex();
    const core: HubCore = {
      source: opts.source,
      limits: this.limits,
      index,
      fanout: new Fanout(index, this.limits.maxBufferedBytes, opts.logger),
      counters: { rejected: 0, revalidation: 0, resumes: 0, resyncs: 0 },
      logger: opts.logger,
      now: opts.now ?? Date.now,
    };
    this.core = core;
    const read = opts.clusterStatus;
    if (read)
      this.statusFeed = new ClusterStatusFeed({
        read,
        publish: (c, data) => publishClusterStatus(core, c, data),
      });
    this.windows = new WindowHub(
      (cluster, query) => core.source.snapshot?.(cluster, query),
      (clientId, message) => {
        const state = index.get(clientId);
        // checks the buffer: a client that cannot keep up is dropped as for node events
        if (state) core.fanout.message(state, message);
      },
      core.now,
    );
    this.messages = new HubMessages(core, this, opts.readGate);
    this.revalidator = new Revalidator(core, opts.stillValid, () => this.closing);
    const parts = {
      windows: this.windows,
      statusFeed: this.statusFeed,
      unsubscribe: (clientId: string, cluster: string) => this.unsubscribe(clientId, cluster),
    };
    this.unsubscribeSource = core.source.subscribe((event) => routeSourceEvent(core, parts, event));
  }

  /** Starts the periodic principal revalidation (unref'd; stopped by closeAll/dispose). */
  start(): void {
    this.revalidator.start();
  }

  checkAccess(principal: Principal, cluster: string): AccessResult {
    if (!canAccessCluster(principal, cluster)) return 'forbidden';
    return this.core.source.hasCluster(cluster) ? 'ok' : 'unknown_cluster';
  }

  /** Why the cluster does not let this principal read its nodes, or undefined (adapters ask before subscribing). */
  async readDenied(principal: Principal, cluster: string): Promise<string | undefined> {
    return this.messages.readDenied(principal, cluster);
  }

  /** Whether a new connection of this principal would be admitted (adapters ask before upgrading work). */
  admission(principal: Principal): ConnectResult {
    if (this.closing) return { ok: false, code: CloseCode.shutdown, reason: 'server shutting down' };
    if (principal.expiresAt !== undefined && principal.expiresAt <= this.core.now()) {
      return { ok: false, code: CloseCode.unauthorized, reason: 'credentials expired' };
    }
    const { index } = this.core;
    if (index.size >= this.limits.maxConnections) {
      return { ok: false, code: CloseCode.tryAgainLater, reason: 'too many connections' };
    }
    if (index.userCount(principal.userId) >= this.limits.maxConnectionsPerUser) {
      return { ok: false, code: CloseCode.tryAgainLater, reason: 'too many connections for this user' };
    }
    return { ok: true };
  }

  /**
   * Registers a client, sends `connected`, then subscribes it to the requested clusters (replay or
   * resync each). A rejected client is not registered; the adapter closes it with the returned code.
   */
  connect(client: PushClient, subscriptions: SubscriptionRequest[] = []): ConnectResult {
    const { core } = this;
    const admitted = this.admission(client.principal);
    if (!admitted.ok) {
      core.counters.rejected++;
      return admitted;
    }
    if (core.index.has(client.id))
      return { ok: false, code: CloseCode.policyViolation, reason: 'duplicate id' };
    const state = core.index.add(client);
    const clusters: Record<string, { seq: number }> = {};
    for (const sub of subscriptions) {
      if (this.checkAccess(client.principal, sub.cluster) === 'ok') {
        clusters[sub.cluster] = { seq: core.source.currentSeq(sub.cluster) };
      }
    }
    core.fanout.message(state, {
      type: 'connected',
      timestamp: isoNow(core),
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
    this.core.index.remove(clientId);
  }

  /**
   * Subscribes a client to a cluster. With `since` (the last seq the client saw) the missed changes
   * are replayed in order, or a `resync` is sent when the history no longer reaches back (or the
   * replay would not fit the client's buffer). Always ends with `subscribed` carrying the resume seq.
   */
  subscribe(clientId: string, cluster: string, since?: number): SubscribeResult {
    const { core } = this;
    const state = core.index.get(clientId);
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
    const current = core.source.currentSeq(cluster);
    let replay: NodeChange[] = [];
    let resyncReason: string | undefined;
    if (since !== undefined) {
      const result = core.source.changesSince(cluster, since);
      if (!result.ok) resyncReason = result.reason;
      else if (replayBytes(result.changes) > this.limits.maxBufferedBytes / 2)
        resyncReason = 'too_many_changes';
      else replay = result.changes;
    }
    core.index.join(state, cluster, since !== undefined && resyncReason === undefined ? since : current);
    if (resyncReason !== undefined) {
      core.counters.resyncs++;
      core.fanout.frame(state, resyncFrame(cluster, current, resyncReason, isoNow(core)), false);
    } else if (since !== undefined) core.counters.resumes++;
    let replayed = 0;
    for (const change of replay) {
      if (state.closed) break;
      if (core.fanout.change(state, change, false)) replayed++;
    }
    if (state.closed) return { ok: false, code: 'unknown_client', message: 'connection is closed' };
    const seq = state.clusters.get(cluster) ?? current;
    const ack: ServerMessage = {
      type: 'subscribed',
      cluster_name: cluster,
      seq,
      timestamp: isoNow(core),
      data: { replayed },
    };
    core.fanout.frame(state, new SharedFrame(ack, { cluster, seq }), true);
    return { ok: true, seq, replayed, resync: resyncReason !== undefined };
  }

  unsubscribe(clientId: string, cluster: string): boolean {
    const { core } = this;
    const state = core.index.get(clientId);
    if (!state || !core.index.leave(state, cluster)) return false;
    core.fanout.message(state, { type: 'unsubscribed', cluster_name: cluster, timestamp: isoNow(core) });
    return true;
  }

  /** Acts on an already validated client message (adapters parse with parseClientFrame). */
  handleClientMessage(clientId: string, msg: ClientMessage): void {
    this.messages.handle(clientId, msg);
  }

  /**
   * A window request that came over HTTP for an SSE connection: only the connection's own user may
   * steer it. False when no such connection of this user is here (on this replica).
   */
  windowRequest(connectionId: string, principal: Principal, msg: ClientMessage): boolean {
    const state = this.core.index.get(connectionId);
    if (!state || state.closed || state.client.principal.userId !== principal.userId) return false;
    this.handleClientMessage(connectionId, msg);
    return true;
  }

  sendError(target: string | ClientState, code: string, message: string): void {
    sendError(this.core, target, code, message);
  }

  /** Sends a message (operation_progress, test, ...) to every subscriber of a cluster; returns recipients. */
  broadcastToCluster(cluster: string, message: ServerMessage): number {
    return this.core.fanout.toCluster(cluster, new SharedFrame(message));
  }

  /** Routes by cluster_name: cluster subscribers, or every client for a message without one. */
  publish(message: ServerMessage): number {
    if (message.cluster_name !== undefined) return this.broadcastToCluster(message.cluster_name, message);
    const frame = new SharedFrame(message);
    let sent = 0;
    for (const state of this.core.index.all()) if (this.core.fanout.frame(state, frame, true)) sent++;
    return sent;
  }

  /**
   * Closes clients whose principal expired or is no longer valid (4001). Never rejects. With `only`,
   * re-checks just the matching principals (a revocation named by the control bus) and always runs.
   */
  revalidate(only?: (principal: Principal) => boolean): Promise<void> {
    return this.revalidator.run(only);
  }

  stats(): PushStats {
    return hubStats(this.core);
  }

  /** Shutdown: every client gets a final `shutdown` message and is closed (1001); new connects are refused. */
  closeAll(code: number = CloseCode.shutdown, reason = 'server shutting down'): void {
    this.closing = true;
    this.revalidator.stop();
    this.statusFeed?.dispose();
    const frame = new SharedFrame({ type: 'shutdown', timestamp: isoNow(this.core) });
    for (const state of this.core.index.all()) {
      this.core.fanout.frame(state, frame, false);
      this.core.fanout.close(state, code, reason);
    }
  }

  /** Detaches from the change source (after closeAll, or in tests). */
  dispose(): void {
    this.revalidator.stop();
    this.statusFeed?.dispose();
    this.unsubscribeSource();
  }
}
