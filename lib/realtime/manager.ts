import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { CLUSTER_NAME_RULE, isClusterName } from '@/lib/protocol/names';
import type { NodeQuery, NodeWindow } from '@/lib/protocol/node-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { compileNodeFilter, type NodePage } from '@/lib/shared/node-query';
import type { BackoffOptions } from './backoff';
import { ClusterSync, type ClusterStatusInfo } from './cluster-sync';
import { ClusterConfigError, UnknownClusterError, errorMessage, statusCodeOf } from './errors';
import type { InformerTransport } from './informer';
import { abortableOptions, loadKubeConfig } from './kube-transport';
import { SmartCache } from './smart-cache';
import { summarizeNode } from './summarize';
import type { ChangeSource, ManagerEvent, NodeChange, ReplayResult } from './types';

/** Minimal pino-compatible logger. */
export interface RealtimeLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface RealtimeManagerOptions {
  logger?: RealtimeLogger;
  now?: () => number;
  /** the apiserver's bookmark cadence (about a minute on real clusters); the watchdog default is twice it */
  bookmarkIntervalMs?: number;
  /** restart a watch silent for this long; default 2 × bookmarkIntervalMs */
  watchdogMs?: number;
  backoff?: BackoffOptions;
  staticRecheckMs?: number;
  /** replay ring buffer per cluster */
  logCapacity?: number;
  logMaxAgeMs?: number;
  /** timeout of API fallback reads */
  apiTimeoutMs?: number;
  /**
   * First seq of a cluster new to this process (default 0). The app passes its epoch's base
   * (seq-epoch.ts) so resume points of other replicas or earlier runs never match this history.
   */
  seqBase?: number;
  /** test seam for the informer transport (defaults to client-node) */
  transport?: (kc: KubeConfig, path: '/api/v1/nodes' | '/api/v1/pods') => InformerTransport;
}

export interface ReadMeta {
  source: 'cache' | 'api';
  synced: boolean;
}

export interface ManagerStats {
  cacheHits: number;
  cacheMisses: number;
  apiFallbacks: number;
  listenerErrors: number;
  clusters: ClusterStatusInfo[];
}

const noopLogger: RealtimeLogger = { info() {}, warn() {}, error() {} };

export class RealtimeManager implements ChangeSource {
  private readonly clusters = new Map<string, ClusterSync>();
  /** last seq of removed clusters, so a re-registered cluster keeps seq monotonic */
  private readonly retiredSeq = new Map<string, number>();
  private readonly listeners = new Set<(e: ManagerEvent) => void>();
  private readonly log: RealtimeLogger;
  private readonly now: () => number;
  private started = false;
  private readonly counters = { cacheHits: 0, cacheMisses: 0, apiFallbacks: 0, listenerErrors: 0 };

  constructor(private readonly opts: RealtimeManagerOptions = {}) {
    this.log = opts.logger ?? noopLogger;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const c of this.clusters.values()) c.start();
  }

  async shutdown(): Promise<void> {
    this.started = false;
    const all = [...this.clusters.values()];
    this.clusters.clear();
    await Promise.all(all.map((c) => c.stop()));
    this.listeners.clear();
  }

  /** Adds a cluster; its informers start at once if the manager is started. Throws ClusterConfigError. */
  registerCluster(name: string, kubeconfigYaml: string, opts: { context?: string } = {}): void {
    if (!isClusterName(name)) {
      throw new ClusterConfigError(String(name), `name must be ${CLUSTER_NAME_RULE}`);
    }
    if (this.clusters.has(name)) throw new ClusterConfigError(name, 'already registered (use updateCluster)');
    const kc = this.parseKubeConfig(name, kubeconfigYaml, opts.context);
    const startSeq = this.retiredSeq.get(name);
    this.retiredSeq.delete(name);
    this.install(name, kc, startSeq ?? this.opts.seqBase ?? 0);
    if (startSeq !== undefined && startSeq > 0)
      this.emit({ kind: 'resync', cluster: name, seq: startSeq, reason: 'cluster re-registered' });
  }

  async unregisterCluster(name: string): Promise<void> {
    const c = this.clusters.get(name);
    if (!c) return;
    this.clusters.delete(name);
    this.retiredSeq.set(name, c.cache.seq);
    await c.stop();
    this.emit({ kind: 'cluster_removed', cluster: name });
  }

  /** New credentials/endpoint: informers restart on a fresh cache and clients are told to resync. */
  async updateCluster(name: string, kubeconfigYaml: string, opts: { context?: string } = {}): Promise<void> {
    const old = this.clusters.get(name);
    if (!old) throw new UnknownClusterError(name);
    const kc = this.parseKubeConfig(name, kubeconfigYaml, opts.context);
    // swap first so the cluster never disappears from reads; the old pipeline's late
    // events are ignored because it is no longer the registered one
    const seq = old.cache.seq;
    this.install(name, kc, seq);
    this.emit({ kind: 'resync', cluster: name, seq, reason: 'cluster credentials changed' });
    await old.stop();
  }

  hasCluster(cluster: string): boolean {
    return this.clusters.has(cluster);
  }

  clusterNames(): string[] {
    return [...this.clusters.keys()];
  }

  currentSeq(cluster: string): number {
    return this.clusters.get(cluster)?.cache.seq ?? 0;
  }

  changesSince(cluster: string, seq: number): ReplayResult {
    const c = this.clusters.get(cluster);
    if (!c) return { ok: false, reason: 'unknown_cluster' };
    return c.cache.changesSince(seq);
  }

  subscribe(listener: (event: ManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clusterStatus(name: string): ClusterStatusInfo {
    return this.sync(name).status();
  }

  statuses(): ClusterStatusInfo[] {
    return [...this.clusters.values()].map((c) => c.status());
  }

  stats(): ManagerStats {
    return { ...this.counters, clusters: this.statuses() };
  }

  kubeConfig(cluster: string): KubeConfig {
    return this.sync(cluster).kubeConfig;
  }

  /** The live cache (for callers that read many nodes synchronously); undefined until synced. */
  /** The synced cluster's nodes matching a query, in its order, and their seq (lib/push/windows.ts). */
  snapshot(cluster: string, query: NodeQuery): { nodes: NodeSummary[]; seq: number } | undefined {
    const c = this.clusters.get(cluster);
    if (!c?.synced) return undefined;
    return { nodes: c.cache.scanNodes(query), seq: c.cache.seq };
  }

  getCache(cluster: string): SmartCache | undefined {
    const c = this.sync(cluster);
    return c.synced ? c.cache : undefined;
  }

  async getNode(cluster: string, name: string): Promise<{ node: NodeSummary | null } & ReadMeta> {
    const c = this.sync(cluster);
    if (c.synced) {
      const node = c.cache.getNode(name);
      if (node) {
        this.counters.cacheHits++;
        return { node, source: 'cache', synced: true };
      }
    }
    this.counters.cacheMisses++;
    this.counters.apiFallbacks++;
    const api = c.kubeConfig.makeApiClient(CoreV1Api);
    try {
      const raw = await api.readNode({ name }, this.apiOptions());
      return { node: summarizeNode(raw, c.pods.statsFor(name)), source: 'api', synced: c.synced };
    } catch (err) {
      if (statusCodeOf(err) === 404) return { node: null, source: 'api', synced: c.synced };
      throw err;
    }
  }

  /** Filtered/sorted/windowed node table; a bad filter throws NodeQueryError naming the field. */
  async listNodes(cluster: string, q: NodeQuery, window?: NodeWindow): Promise<NodePage & ReadMeta> {
    if (window && !(Number.isInteger(window.offset) && window.offset >= 0 && window.limit > 0))
      throw new RangeError(
        `window: offset must be >= 0 and limit > 0 (got ${window.offset}, ${window.limit})`,
      );
    const c = this.sync(cluster);
    if (c.synced) {
      this.counters.cacheHits++;
      return { ...c.cache.listNodes(q, window), source: 'cache', synced: true };
    }
    compileNodeFilter(q); // surfaces a NodeQueryError before any API call
    this.counters.cacheMisses++;
    this.counters.apiFallbacks++;
    const api = c.kubeConfig.makeApiClient(CoreV1Api);
    const list = await api.listNode({}, this.apiOptions());
    // a throwaway cache gives the API answer the same filter/sort/page semantics
    const tmp = new SmartCache({ cluster, logCapacity: 1, podStats: (n) => c.pods.statsFor(n) });
    tmp.replaceAll(list.items);
    return { ...tmp.listNodes(q, window), source: 'api', synced: false };
  }

  /** Read-your-writes: resolves true once the cache holds resourceVersion >= rv for the node. */
  waitForResourceVersion(cluster: string, node: string, rv: string, timeoutMs: number): Promise<boolean> {
    return this.sync(cluster).waitForResourceVersion(node, rv, timeoutMs);
  }

  private apiOptions() {
    return abortableOptions(AbortSignal.timeout(this.opts.apiTimeoutMs ?? 10_000));
  }

  private sync(cluster: string): ClusterSync {
    const c = this.clusters.get(cluster);
    if (!c) throw new UnknownClusterError(cluster);
    return c;
  }

  private parseKubeConfig(name: string, yaml: string, context?: string): KubeConfig {
    if (typeof yaml !== 'string' || !yaml.trim()) throw new ClusterConfigError(name, 'kubeconfig is empty');
    let kc: KubeConfig;
    try {
      kc = loadKubeConfig(yaml, context);
    } catch (err) {
      throw new ClusterConfigError(name, `kubeconfig: ${errorMessage(err)}`);
    }
    const cl = kc.getCurrentCluster();
    if (!cl)
      throw new ClusterConfigError(name, `kubeconfig: no cluster for context '${kc.getCurrentContext()}'`);
    if (!/^https?:\/\//.test(cl.server))
      throw new ClusterConfigError(
        name,
        `kubeconfig: clusters[].cluster.server '${cl.server}' is not an http(s) URL`,
      );
    return kc;
  }

  private install(name: string, kc: KubeConfig, startSeq: number) {
    const transport = this.opts.transport;
    const sync = new ClusterSync({
      name,
      kubeConfig: kc,
      now: this.now,
      watchdogMs: this.opts.watchdogMs ?? 2 * (this.opts.bookmarkIntervalMs ?? 60_000),
      backoff: this.opts.backoff,
      staticRecheckMs: this.opts.staticRecheckMs,
      logCapacity: this.opts.logCapacity,
      logMaxAgeMs: this.opts.logMaxAgeMs,
      startSeq,
      transport: transport ? (path) => transport(kc, path) : undefined,
      onChange: (change: NodeChange) => {
        if (this.clusters.get(name) === sync) this.emit({ kind: 'change', change });
      },
      onStatus: (status) => {
        if (this.clusters.get(name) !== sync) return;
        const info = sync.status();
        const level = status === 'degraded' ? 'warn' : 'info';
        this.log[level]({ cluster: name, status, lastError: info.lastError }, `cluster ${name} is ${status}`);
        this.emit({ kind: 'cluster_status', cluster: name, status });
      },
    });
    this.clusters.set(name, sync);
    if (this.started) sync.start();
  }

  private emit(event: ManagerEvent) {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        this.counters.listenerErrors++;
        this.log.error({ err: errorMessage(err), event: event.kind }, 'realtime listener threw');
      }
    }
  }
}
