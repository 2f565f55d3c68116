import type { NodeSummary, PodStats } from '@/lib/protocol/node-summary';
import { ChangeLog } from './change-log';
import { classifyChange, classifyStatic, samePodStats } from './classify';
import { NodeIndex, type NodeEntry } from './node-index';
import type { NodeQuery, NodeWindow } from '@/lib/protocol/node-query';
import { compileNodeFilter, type NodePage } from '@/lib/shared/node-query';
import { summarizeNode } from './summarize';
import type { NodeChange, ReplayResult } from './types';
import { ViewCache } from './view-cache';

export interface SmartCacheOptions {
  cluster: string;
  now?: () => number;
  /** how often static attributes (capacity, node info, addresses) are re-read; default 1 h */
  staticRecheckMs?: number;
  logCapacity?: number;
  logMaxAgeMs?: number;
  /** seq to continue from (a re-registered cluster keeps its seq monotonic) */
  startSeq?: number;
  /** pod aggregate for a node that appears; defaults to empty */
  podStats?: (node: string) => PodStats | undefined;
}

/**
 * Per-cluster store of NodeSummary with change classification, seq numbering and a replay
 * log. Pure: no I/O, injected clock. Every mutator returns the changes it emitted (already
 * appended to the log); noise updates return [] and only refresh the cached resourceVersion.
 */
export class SmartCache {
  readonly cluster: string;
  private readonly nodes = new NodeIndex();
  private readonly staticCheckedAt = new Map<string, number>();
  private readonly log: ChangeLog;
  private readonly views = new ViewCache();
  private readonly now: () => number;
  private readonly staticRecheckMs: number;
  private readonly podStats: (node: string) => PodStats | undefined;
  private seqCounter: number;
  readonly counters = { applied: 0, dropped: 0, emitted: 0 };

  constructor(opts: SmartCacheOptions) {
    this.cluster = opts.cluster;
    this.now = opts.now ?? Date.now;
    this.staticRecheckMs = opts.staticRecheckMs ?? 3_600_000;
    this.podStats = opts.podStats ?? (() => undefined);
    this.seqCounter = opts.startSeq ?? 0;
    this.log = new ChangeLog(
      { capacity: opts.logCapacity ?? 10_000, maxAgeMs: opts.logMaxAgeMs ?? 300_000, now: this.now },
      this.seqCounter,
    );
  }

  get size(): number {
    return this.nodes.size;
  }
  get seq(): number {
    return this.seqCounter;
  }

  getNode(name: string): NodeSummary | undefined {
    return this.nodes.get(name);
  }

  /** Names in name order. */
  names(): string[] {
    return this.nodes.names();
  }

  /** Applies an ADDED/MODIFIED node object. */
  upsertNode(raw: unknown, opts: { forceStaticCheck?: boolean } = {}): NodeChange[] {
    return this.upsertSummary(summarizeNode(raw), opts);
  }

  /**
   * Applies a freshly built summary (the cache takes ownership of it): pods come from the
   * cache/pod index, and the static part is replaced by the cached one unless it is due for a
   * re-check and actually changed.
   */
  upsertSummary(incoming: NodeSummary, opts: { forceStaticCheck?: boolean } = {}): NodeChange[] {
    const name = incoming.name;
    if (!name) return [];
    this.counters.applied++;
    const prev = this.nodes.get(name);
    const now = this.now();
    if (!prev || (incoming.uid !== prev.uid && prev.uid && incoming.uid)) {
      // new, or recreated under the same name (reported as what it is: delete + add)
      const del = prev ? [this.remove(name, prev)] : [];
      incoming.pods = this.podStats(name) ?? incoming.pods;
      this.staticCheckedAt.set(name, now);
      return [...del, this.commit('node_add', incoming, [])];
    }
    incoming.pods = prev.pods;
    const checkedAt = this.staticCheckedAt.get(name) ?? 0;
    if (opts.forceStaticCheck || now - checkedAt >= this.staticRecheckMs) {
      this.staticCheckedAt.set(name, now);
      if (classifyStatic(prev.static, incoming.static).length === 0) incoming.static = prev.static;
    } else incoming.static = prev.static;
    const kinds = classifyChange(prev, incoming);
    if (kinds.length === 0) {
      this.counters.dropped++;
      if (incoming.resourceVersion !== prev.resourceVersion) {
        // keep the observed RV current (read-your-writes, digests) without emitting;
        // sort keys cannot change, so the column orders stay valid
        const next = { ...prev, resourceVersion: incoming.resourceVersion };
        this.nodes.replaceQuiet(next);
        this.views.swap(prev, next);
      }
      return [];
    }
    return [this.commit('node_update', incoming, kinds)];
  }

  /** Applies a DELETED event (or a tombstone found by a relist). */
  deleteNode(name: string, resourceVersion?: string): NodeChange[] {
    const prev = this.nodes.get(name);
    if (!prev) return [];
    this.counters.applied++;
    const change = this.remove(name, resourceVersion ? { ...prev, resourceVersion } : prev);
    return [change];
  }

  /** New pod aggregate for a node; emits a 'pods' update when it differs. */
  setPodStats(name: string, stats: PodStats): NodeChange[] {
    const prev = this.nodes.get(name);
    if (!prev || samePodStats(prev.pods, stats)) return [];
    return [this.commit('node_update', { ...prev, pods: stats }, ['pods'])];
  }

  /**
   * Reconciles against a full list (initial sync or relist after 410/restart): adds, updates
   * (static attributes force-checked) and deletes whatever changed meanwhile, so nothing is lost.
   */
  replaceAll(rawNodes: readonly unknown[]): NodeChange[] {
    return this.replaceAllSummaries(rawNodes.map((raw) => summarizeNode(raw)));
  }

  /** replaceAll for summaries built while the list streamed in (the raw pages are long gone). */
  replaceAllSummaries(summaries: readonly NodeSummary[]): NodeChange[] {
    const out: NodeChange[] = [];
    const seen = new Set<string>();
    for (const s of summaries) {
      if (!s.name || seen.has(s.name)) continue;
      seen.add(s.name);
      const prev = this.nodes.get(s.name);
      if (prev && prev.resourceVersion === s.resourceVersion && prev.uid === s.uid) continue;
      for (const c of this.upsertSummary(s, { forceStaticCheck: true })) out.push(c);
    }
    for (const name of this.nodes.names()) {
      if (!seen.has(name)) for (const c of this.deleteNode(name)) out.push(c);
    }
    return out;
  }

  /**
   * Builds one more column order ahead of use (a first sort by a column at 65,000 nodes would
   * otherwise wait ~100 ms for it); false once all are kept. Call between other work.
   */
  warmOrder(): boolean {
    return this.nodes.warmOne();
  }

  /**
   * The query's rows in its order, read off the maintained column order (never re-sorted). A
   * filtered query reads its view, which the changes keep current (built on its first use).
   */
  listNodes(query: NodeQuery, window?: NodeWindow): NodePage {
    const desc = query.dir === 'desc';
    const offset = window?.offset ?? 0;
    const limit = window?.limit ?? Number.POSITIVE_INFINITY;
    const filter = compileNodeFilter(query);
    if (!filter) {
      // no filter: the window is a slice of the maintained order (counted from the end when descending)
      const order = this.nodes.order(query.sort);
      const total = order.length;
      const start = Math.min(offset, total);
      const end = Math.min(total, offset + limit);
      const entries = desc ? order.slice(total - end, total - start).reverse() : order.slice(start, end);
      return { items: entries.map((e) => e.node), total };
    }
    const view = this.views.get(query, this.seqCounter, () => this.matching(query.sort, filter));
    return { items: view.slice(offset, Math.min(limit, view.total), desc), total: view.total };
  }

  /**
   * Every node matching the query's filters, in its order: a walk of the column order, kept nowhere
   * (the push hub builds its own live views from it). Throws NodeQueryError for a malformed filter.
   */
  scanNodes(query: NodeQuery): NodeSummary[] {
    const filter = compileNodeFilter(query);
    return this.matching(query.sort, filter ?? (() => true), query.dir === 'desc');
  }

  private matching(
    sort: NodeQuery['sort'],
    filter: (n: NodeSummary) => boolean,
    desc = false,
  ): NodeSummary[] {
    const out: NodeSummary[] = [];
    this.nodes.order(sort).forEach(({ node }) => {
      if (filter(node)) out.push(node);
    }, desc);
    return out;
  }

  changesSince(seq: number): ReplayResult {
    return this.log.since(seq);
  }

  /** Breaks the replay history (credentials changed, re-registered): returns the seq clients resume from. */
  resetHistory(): number {
    this.log.reset(this.seqCounter);
    return this.seqCounter;
  }

  /** Sorted "name@resourceVersion" lines; equal digests mean equal cache contents. */
  digestLines(): string[] {
    return this.nodes.names().map((n) => `${n}@${this.nodes.get(n)?.resourceVersion ?? ''}`);
  }

  /** Rough retained size: sampled JSON size of summaries (statics counted once per shared object). */
  approxBytes(): number {
    if (this.nodes.size === 0) return 0;
    const all = this.nodes.order('name');
    const step = Math.max(1, Math.floor(all.length / 32));
    let sampled = 0;
    let bytes = 0;
    for (let i = 0; i < all.length; i += step) {
      const n = (all.at(i) as NodeEntry).node;
      bytes += JSON.stringify(n).length * 2 + 400; // UTF-16 strings + object headers
      sampled++;
    }
    return Math.round((bytes / Math.max(1, sampled)) * this.nodes.size + this.log.length * 120);
  }

  private commit(type: NodeChange['type'], node: NodeSummary, kinds: NodeChange['changes']): NodeChange {
    const prev = type === 'node_delete' ? node : this.nodes.get(node.name);
    if (type !== 'node_delete') this.nodes.set(node);
    const change: NodeChange = {
      cluster: this.cluster,
      seq: ++this.seqCounter,
      type,
      name: node.name,
      resourceVersion: node.resourceVersion,
      changes: kinds,
      node,
      at: this.now(),
    };
    this.log.append(change);
    this.counters.emitted++;
    // the log keeps changes without `prev`: a replay never needs it, and it would hold old summaries alive
    const out = prev ? { ...change, prev } : change;
    this.views.apply(out);
    return out;
  }

  private remove(name: string, last: NodeSummary): NodeChange {
    this.nodes.delete(name);
    this.staticCheckedAt.delete(name);
    return this.commit('node_delete', last, []);
  }
}
