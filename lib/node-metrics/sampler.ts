import type { Logger } from 'pino';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import {
  USAGE_HISTORY_SECONDS,
  USAGE_SAMPLE_SECONDS,
  type MetricsUnavailable,
  type NodeUsage,
  type NodeUsageHistory,
  type NodeUsageResponse,
} from '@/lib/protocol/node-usage';
import { cpuMillis, memoryBytes, parseQuantity } from '@/lib/shared/quantity';
import { metricsUnavailable } from './metrics-api';
import { UsageRing } from './usage-ring';

export interface SamplerOptions {
  /**
   * Every node's usage of a cluster, or only `names`' when given (throws when the cluster gives none;
   * a named node without metrics is left out).
   */
  list(cluster: string, names?: readonly string[]): Promise<Map<string, NodeUsage>>;
  /** the cluster's node count (from the cache): above targetedAbove only the asked nodes are read */
  size?(cluster: string): number;
  /** default 2,000 nodes, the table's window threshold */
  targetedAbove?: number;
  /** more asked names than this are read with one list again (default 1,000) */
  maxTargeted?: number;
  /** the cached node, for pod counts and allocatable */
  node(cluster: string, name: string): NodeSummary | undefined;
  now?: () => number;
  intervalMs?: number;
  /** sampling goes on this long after the last usage request */
  askTtlMs?: number;
  /** a node's history is kept this long after it was last requested */
  watchTtlMs?: number;
  /** how long a request waits for an idle cluster's first list before answering without values */
  firstWaitMs?: number;
  historyMs?: number;
  logger?: Pick<Logger, 'debug'>;
}

interface ClusterState {
  latest: Map<string, NodeUsage>;
  sampledAt: number | null;
  unavailable?: MetricsUnavailable;
  /** when the last list started and ended, successful or not (-Infinity: never) */
  startedAt: number;
  doneAt: number;
  inflight: Promise<void> | null;
  lastAsked: number;
  /** names asked for, with when (a large cluster samples only these while they are fresh) */
  asked: Map<string, number>;
  /** the names the last targeted read covered (null: it read every node) */
  covered: Set<string> | null;
  /** a read of newly asked names of a large cluster, between samples */
  topUp: Promise<void> | null;
  watched: Map<string, { until: number; ring: UsageRing }>;
  timer: NodeJS.Timeout | null;
}

/**
 * metrics.k8s.io cannot be watched, so usage is sampled: one NodeMetrics list per cluster at most
 * every interval, and only while someone asks (usage requests within askTtl, or a node whose history
 * was requested within watchTtl). Watched nodes get a ring buffer of the last hour.
 *
 * A large cluster's table shows a window of rows, so listing every node (65,000 NodeMetrics every
 * 15 s: seconds of apiserver CPU and megabytes parsed here) would serve a few dozen. Above
 * targetedAbove nodes the sampler reads only the names asked within askTtl (and the watched ones);
 * names asked for the first time are read at once, so a scrolled-to row gets its figures.
 */
export class NodeMetricsSampler {
  private readonly clusters = new Map<string, ClusterState>();
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly askTtlMs: number;
  private readonly watchTtlMs: number;
  private readonly historyMs: number;
  private readonly firstWaitMs: number;
  private readonly targetedAbove: number;
  private readonly maxTargeted: number;
  private closed = false;

  constructor(private readonly opts: SamplerOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs ?? USAGE_SAMPLE_SECONDS * 1000;
    this.askTtlMs = opts.askTtlMs ?? 60_000;
    this.watchTtlMs = opts.watchTtlMs ?? 120_000;
    this.historyMs = opts.historyMs ?? USAGE_HISTORY_SECONDS * 1000;
    this.firstWaitMs = opts.firstWaitMs ?? 10_000;
    this.targetedAbove = opts.targetedAbove ?? 2_000;
    this.maxTargeted = opts.maxTargeted ?? 1_000;
  }

  /** The last sampled usage of the given nodes (waits for the first sample of an idle cluster). */
  async usage(cluster: string, names: readonly string[]): Promise<NodeUsageResponse> {
    const s = this.state(cluster);
    s.lastAsked = this.now();
    // only the cluster's nodes: made-up names must not become reads of a large cluster
    const known = names.filter((name) => this.opts.node(cluster, name) !== undefined);
    for (const name of known) s.asked.set(name, s.lastAsked);
    await this.fresh(cluster, s, known);
    const usage: Record<string, NodeUsage> = {};
    for (const name of names) {
      const u = s.latest.get(name);
      if (u) usage[name] = u;
    }
    return {
      cluster,
      sampledAt: s.sampledAt === null ? null : new Date(s.sampledAt).toISOString(),
      intervalSeconds: this.intervalMs / 1000,
      ...(s.unavailable ? { unavailable: s.unavailable } : {}),
      usage,
    };
  }

  /** The node's sampled hour; asking (re)starts watching it for watchTtl. */
  async history(cluster: string, node: string): Promise<NodeUsageHistory> {
    const s = this.state(cluster);
    const now = this.now();
    let w = s.watched.get(node);
    if (!w) {
      w = { until: 0, ring: new UsageRing(Math.ceil(this.historyMs / this.intervalMs) + 1) };
      s.watched.set(node, w);
      // a fresh sample from the table's requests gives the chart its first point at once
      if (now - s.doneAt < this.intervalMs) this.record(cluster, s, node, w.ring);
    }
    w.until = now + this.watchTtlMs;
    await this.fresh(cluster, s, [node]);
    const summary = this.opts.node(cluster, node);
    const alloc = summary?.static.allocatable;
    const pods = parseQuantity(alloc?.pods ?? summary?.static.capacity.pods);
    return {
      cluster,
      node,
      intervalSeconds: this.intervalMs / 1000,
      windowSeconds: this.historyMs / 1000,
      ...(s.unavailable ? { unavailable: s.unavailable } : {}),
      allocatable: {
        cpuMilli: alloc?.cpu ? cpuMillis(alloc.cpu) : null,
        memoryBytes: alloc?.memory ? memoryBytes(alloc.memory) : null,
        pods: Number.isFinite(pods) ? pods : null,
      },
      ...w.ring.columns(this.now() - this.historyMs),
    };
  }

  /** Whether the cluster is being sampled now (for tests and the health page). */
  sampling(cluster: string): boolean {
    return this.clusters.get(cluster)?.timer != null;
  }

  /** A removed cluster: stop sampling it and drop its history. */
  forget(cluster: string): void {
    const s = this.clusters.get(cluster);
    if (s?.timer) clearTimeout(s.timer);
    this.clusters.delete(cluster);
  }

  close(): void {
    this.closed = true;
    for (const name of [...this.clusters.keys()]) this.forget(name);
  }

  private state(cluster: string): ClusterState {
    let s = this.clusters.get(cluster);
    if (!s) {
      s = {
        latest: new Map(),
        sampledAt: null,
        startedAt: -Infinity,
        doneAt: -Infinity,
        inflight: null,
        lastAsked: -Infinity,
        asked: new Map(),
        covered: null,
        topUp: null,
        watched: new Map(),
        timer: null,
      };
      this.clusters.set(cluster, s);
    }
    return s;
  }

  /**
   * Samples when the last list is an interval old; a large cluster's names not read yet are read now.
   * Waits only when there is nothing to show yet.
   */
  private async fresh(cluster: string, s: ClusterState, names: readonly string[]): Promise<void> {
    if (!s.inflight && this.now() - s.startedAt >= this.intervalMs) this.sample(cluster, s);
    else if (s.covered && !s.unavailable) this.topUp(cluster, s, names);
    const pending = s.topUp ?? (s.sampledAt === null && !s.unavailable ? s.inflight : null);
    if (!pending) return;
    // a slow metrics API must not hold the table's request: it then answers empty, and the next one has values
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.firstWaitMs)));
    await Promise.race([pending, waited]);
    clearTimeout(timer);
  }

  /** The names to read of a large cluster: those asked within askTtl and the watched ones (null: all). */
  private targets(cluster: string, s: ClusterState): Set<string> | null {
    if ((this.opts.size?.(cluster) ?? 0) <= this.targetedAbove) return null;
    const since = this.now() - this.askTtlMs;
    for (const [name, at] of s.asked) if (at < since) s.asked.delete(name);
    const names = new Set([...s.asked.keys(), ...s.watched.keys()]);
    return names.size > this.maxTargeted ? null : names;
  }

  /** Reads the asked names the last targeted sample did not cover, into the latest values. */
  private topUp(cluster: string, s: ClusterState, names: readonly string[]): void {
    const covered = s.covered;
    const missing = names.filter((n) => !covered?.has(n));
    if (!covered || missing.length === 0) return;
    for (const n of missing) covered.add(n);
    const read = this.opts.list(cluster, missing).then(
      (got) => {
        for (const [n, u] of got) s.latest.set(n, u);
      },
      (err: unknown) => this.opts.logger?.debug({ err, cluster }, 'node metrics top-up failed'),
    );
    const chained: Promise<void> = Promise.all([s.topUp, read]).then(() => {
      if (s.topUp === chained) s.topUp = null;
    });
    s.topUp = chained;
  }

  private sample(cluster: string, s: ClusterState): void {
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.startedAt = this.now();
    const targets = this.targets(cluster, s);
    s.inflight = (targets ? this.opts.list(cluster, [...targets]) : this.opts.list(cluster))
      .then(
        (latest) => {
          s.latest = latest;
          s.covered = targets;
          s.sampledAt = this.now();
          delete s.unavailable;
        },
        (err: unknown) => {
          s.latest = new Map();
          s.covered = null;
          s.unavailable = metricsUnavailable(err);
          this.opts.logger?.debug({ err, cluster }, 'node metrics unavailable');
        },
      )
      .then(() => {
        s.inflight = null;
        s.doneAt = this.now();
        for (const [node, w] of s.watched) this.record(cluster, s, node, w.ring);
        this.schedule(cluster, s);
      });
  }

  private record(cluster: string, s: ClusterState, node: string, ring: UsageRing): void {
    const u = s.latest.get(node);
    ring.push({
      t: this.now(),
      cpuMilli: u?.cpuMilli ?? null,
      memoryBytes: u?.memoryBytes ?? null,
      pods: this.opts.node(cluster, node)?.pods.count ?? null,
    });
  }

  /** The next list, one interval after this one started, while anyone still asks. */
  private schedule(cluster: string, s: ClusterState): void {
    if (this.closed || this.clusters.get(cluster) !== s) return;
    const now = this.now();
    for (const [node, w] of s.watched) if (w.until <= now) s.watched.delete(node);
    if (now - s.lastAsked >= this.askTtlMs && s.watched.size === 0) return;
    const delay = Math.max(0, s.startedAt + this.intervalMs - now);
    s.timer = setTimeout(() => this.sample(cluster, s), delay);
    s.timer.unref?.();
  }
}
