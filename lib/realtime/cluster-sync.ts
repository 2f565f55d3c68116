import type { KubeConfig } from '@kubernetes/client-node';
import { credentialsRejected } from '@/lib/k8s/service-account';
import { metrics } from '@/lib/metrics/hooks';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { BackoffOptions } from './backoff';
import { errorMessage, statusCodeOf, type RestartReason } from './errors';
import { Informer, type InformerTransport, type WatchEventType } from './informer';
import { kubeTransport } from './kube-transport';
import { PodIndex, slimPod, type SlimPod } from './pod-index';
import { RateMeter } from './rate-meter';
import { SmartCache } from './smart-cache';
import { nodeName, resourceVersionOf, summarizeNode } from './summarize';
import type { ClusterSyncState, NodeChange } from './types';
import { rvAtLeast } from './resource-version';
import { RvWaiters } from './rv-waiters';

/**
 * One cluster's pipeline: a node informer and a pod informer feeding one SmartCache.
 * Watch callbacks apply synchronously in arrival order, so events for a node are processed
 * in order without locks, and nothing here waits on any other cluster.
 */

export interface ClusterSyncOptions {
  name: string;
  kubeConfig: KubeConfig;
  now: () => number;
  watchdogMs: number;
  backoff?: BackoffOptions;
  staticRecheckMs?: number;
  logCapacity?: number;
  logMaxAgeMs?: number;
  startSeq: number;
  onChange: (change: NodeChange) => void;
  onStatus: (state: ClusterSyncState) => void;
  /** test seam; defaults to client-node list + Watch */
  transport?: (path: '/api/v1/nodes' | '/api/v1/pods') => InformerTransport;
}

export interface ClusterStatusInfo {
  name: string;
  state: ClusterSyncState;
  synced: boolean;
  lastError?: string;
  lastErrorAt?: number;
  lastEventAt?: number;
  eventsPerSecond: number;
  /** ms since the watch streams last proved live (event, bookmark or accepted watch) */
  lagMs: number | null;
  /** ms from start to the first complete list of nodes and pods */
  syncMs?: number;
  nodes: number;
  seq: number;
  stats: {
    watchRestarts: number;
    watchRestartsByReason: Record<'nodes' | 'pods', Partial<Record<RestartReason, number>>>;
    /** the resourceVersion each informer has reached (list, event or bookmark) */
    resourceVersions: { nodes: string; pods: string };
    lists: number;
    /** duration of the last list request per resource (HTTP + parse + reduce) */
    lastListMs: { nodes?: number; pods?: number };
    eventsReceived: number;
    eventsEmitted: number;
    droppedNoise: number;
    approxBytes: number;
    pods: number;
  };
}

type InformerState = 'listing' | 'watching' | 'error' | 'idle';

export class ClusterSync {
  readonly cache: SmartCache;
  readonly pods = new PodIndex();
  private readonly nodeInformer: Informer;
  private readonly podInformer: Informer;
  private readonly states = { nodes: 'idle' as InformerState, pods: 'idle' as InformerState };
  private readonly listed = { nodes: false, pods: false };
  private podGate!: () => void;
  private readonly podGatePromise = new Promise<void>((r) => (this.podGate = r));
  private readonly rate: RateMeter;
  private readonly waiters = new RvWaiters();
  private state: ClusterSyncState = 'syncing';
  private startedAt = 0;
  private syncMs: number | undefined;
  private lastError: string | undefined;
  private lastErrorAt: number | undefined;
  private lastEventAt: number | undefined;
  private podNoise = 0;
  private eventsReceived = 0;
  private stopped = false;

  constructor(private readonly opts: ClusterSyncOptions) {
    this.rate = new RateMeter(opts.now);
    this.cache = new SmartCache({
      cluster: opts.name,
      now: opts.now,
      staticRecheckMs: opts.staticRecheckMs,
      logCapacity: opts.logCapacity,
      logMaxAgeMs: opts.logMaxAgeMs,
      startSeq: opts.startSeq,
      podStats: (n) => this.pods.statsFor(n),
    });
    const transport = opts.transport ?? ((path) => kubeTransport(opts.kubeConfig, path));
    const common = { watchdogMs: opts.watchdogMs, backoff: opts.backoff, now: opts.now };
    this.nodeInformer = new Informer({
      ...common,
      name: `${opts.name}/nodes`,
      transport: transport('/api/v1/nodes'),
      firstListGate: () => this.podGatePromise,
      reduceListItem: (raw) => summarizeNode(raw),
      handlers: {
        onList: (items) => this.applyNodeList(items),
        onEvent: (type, obj) => {
          const t0 = performance.now();
          this.applyNodeEvent(type, obj);
          metrics().informerEventApplied(opts.name, 'nodes', t0);
        },
        onState: (s, err) => this.informerState('nodes', s, err),
      },
    });
    this.podInformer = new Informer({
      ...common,
      name: `${opts.name}/pods`,
      transport: transport('/api/v1/pods'),
      reduceListItem: slimPod,
      handlers: {
        onList: (items) => this.applyPodList(items),
        onEvent: (type, obj) => {
          const t0 = performance.now();
          this.applyPodEvent(type, obj);
          metrics().informerEventApplied(opts.name, 'pods', t0);
        },
        onState: (s, err) => this.informerState('pods', s, err),
      },
    });
  }

  get name(): string {
    return this.opts.name;
  }
  get synced(): boolean {
    return this.listed.nodes;
  }
  get kubeConfig(): KubeConfig {
    return this.opts.kubeConfig;
  }

  start(): void {
    this.startedAt = this.opts.now();
    this.podInformer.start();
    this.nodeInformer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.podGate();
    await Promise.all([this.nodeInformer.stop(), this.podInformer.stop()]);
    this.waiters.cancelAll();
    this.setState('stopped');
  }

  /** Resolves true once the cache applied resourceVersion >= rv for the node, false on timeout/stop. */
  waitForResourceVersion(node: string, rv: string, timeoutMs: number): Promise<boolean> {
    const cur = this.cache.getNode(node)?.resourceVersion;
    if (cur !== undefined && rvAtLeast(cur, rv)) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return this.waiters.wait(node, rv, timeoutMs);
  }

  status(): ClusterStatusInfo {
    const now = this.opts.now();
    const act = [this.nodeInformer.stats.lastActivityAt, this.podInformer.stats.lastActivityAt].filter(
      (x): x is number => x !== undefined,
    );
    const info: ClusterStatusInfo = {
      name: this.opts.name,
      state: this.state,
      synced: this.synced,
      eventsPerSecond: this.rate.perSecond(),
      lagMs: act.length === 2 ? now - Math.min(...act) : null,
      nodes: this.cache.size,
      seq: this.cache.seq,
      stats: {
        watchRestarts: this.nodeInformer.stats.watchRestarts + this.podInformer.stats.watchRestarts,
        watchRestartsByReason: {
          nodes: this.nodeInformer.stats.restartsByReason,
          pods: this.podInformer.stats.restartsByReason,
        },
        resourceVersions: {
          nodes: this.nodeInformer.resourceVersion,
          pods: this.podInformer.resourceVersion,
        },
        lists: this.nodeInformer.stats.lists + this.podInformer.stats.lists,
        lastListMs: { nodes: this.nodeInformer.stats.lastListMs, pods: this.podInformer.stats.lastListMs },
        eventsReceived: this.eventsReceived,
        eventsEmitted: this.cache.counters.emitted,
        droppedNoise: this.cache.counters.dropped + this.podNoise,
        approxBytes: this.cache.approxBytes(),
        pods: this.pods.podCount,
      },
    };
    if (this.lastError !== undefined) info.lastError = this.lastError;
    if (this.lastErrorAt !== undefined) info.lastErrorAt = this.lastErrorAt;
    if (this.lastEventAt !== undefined) info.lastEventAt = this.lastEventAt;
    if (this.syncMs !== undefined) info.syncMs = this.syncMs;
    return info;
  }

  private emitAll(changes: NodeChange[]) {
    for (const c of changes) this.opts.onChange(c);
  }

  private applyNodeList(items: unknown[]) {
    this.emitAll(this.cache.replaceAllSummaries(items as NodeSummary[]));
    this.listed.nodes = true;
    this.markSynced();
    for (const name of this.waiters.nodes()) this.checkWaiters(name);
    this.warmOrders();
  }

  /** Every column order built after the first list, one per turn of the event loop, so no sort waits. */
  private warmOrders() {
    if (this.stopped || !this.cache.warmOrder()) return;
    setImmediate(() => this.warmOrders());
  }

  private applyNodeEvent(type: WatchEventType, obj: unknown) {
    this.received();
    const name = nodeName(obj);
    if (type === 'DELETED') this.emitAll(this.cache.deleteNode(name, resourceVersionOf(obj) || undefined));
    else this.emitAll(this.cache.upsertNode(obj));
    this.checkWaiters(name);
  }

  private applyPodList(items: unknown[]) {
    for (const n of this.pods.replaceAllSlim(items as SlimPod[]))
      this.emitAll(this.cache.setPodStats(n, this.pods.statsFor(n)));
    this.listed.pods = true;
    this.podGate();
    this.markSynced();
  }

  private applyPodEvent(type: WatchEventType, obj: unknown) {
    this.received();
    const touched = type === 'DELETED' ? this.pods.delete(obj) : this.pods.upsert(obj);
    let emitted = 0;
    for (const n of touched) {
      const out = this.cache.setPodStats(n, this.pods.statsFor(n));
      emitted += out.length;
      this.emitAll(out);
    }
    if (emitted === 0) this.podNoise++;
  }

  private received() {
    this.eventsReceived++;
    this.lastEventAt = this.opts.now();
    this.rate.mark();
  }

  private markSynced() {
    if (this.syncMs === undefined && this.listed.nodes && this.listed.pods) {
      this.syncMs = this.opts.now() - this.startedAt;
    }
    this.recompute();
  }

  private checkWaiters(name: string) {
    this.waiters.check(name, this.cache.getNode(name)?.resourceVersion);
  }

  private informerState(which: 'nodes' | 'pods', s: 'listing' | 'watching' | 'error', err?: unknown) {
    if (this.stopped) return;
    if (which === 'pods' && s === 'error' && !this.listed.pods) this.podGate(); // pods unavailable: nodes still sync
    this.states[which] = s === 'listing' && this.states[which] === 'error' ? 'error' : s;
    if (s === 'error') {
      // a rotated ServiceAccount token: re-read the file before the informer's retry (client-go does too)
      if (statusCodeOf(err) === 401) credentialsRejected(this.opts.kubeConfig);
      this.lastError = `${which}: ${errorMessage(err)}`;
      this.lastErrorAt = this.opts.now();
    }
    this.recompute();
  }

  private recompute() {
    if (this.stopped) return;
    const { nodes, pods } = this.states;
    let next: ClusterSyncState;
    if (nodes === 'error' || pods === 'error') next = 'degraded';
    else if (!this.listed.nodes || !this.listed.pods) next = 'syncing';
    else next = 'ready';
    this.setState(next);
  }

  private setState(next: ClusterSyncState) {
    if (next === this.state) return;
    this.state = next;
    this.opts.onStatus(next);
  }
}
