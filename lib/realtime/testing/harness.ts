import { nodeQuery } from '@/lib/protocol/node-query';
import type { RealtimeManager } from '../manager';
import type { ManagerEvent, NodeChange } from '../types';

/** Helpers shared by the realtime integration tests and the benchmark (no simulator import here). */

export interface NodeStoreLike {
  listNodes(): { metadata: { name: string; resourceVersion?: string } }[];
  listPods(): object[];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function storeDigestLines(store: NodeStoreLike): string[] {
  return store
    .listNodes()
    .map((n) => `${n.metadata.name}@${n.metadata.resourceVersion ?? ''}`)
    .sort();
}

export function cacheDigestLines(mgr: RealtimeManager, cluster: string): string[] {
  return [...(mgr.getCache(cluster)?.digestLines() ?? [])].sort();
}

/** Active (non-terminated) pods per node according to the store. */
export function storePodCounts(store: NodeStoreLike): Map<string, number> {
  const m = new Map<string, number>();
  for (const pod of store.listPods()) {
    const p = pod as { spec?: unknown; status?: unknown };
    const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    const phase = (p.status as { phase?: string } | undefined)?.phase ?? 'Pending';
    if (!node || phase === 'Succeeded' || phase === 'Failed') continue;
    m.set(node, (m.get(node) ?? 0) + 1);
  }
  return m;
}

export function cachePodCounts(mgr: RealtimeManager, cluster: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const n of mgr.getCache(cluster)?.listNodes(nodeQuery()).items ?? [])
    if (n.pods.count > 0) m.set(n.name, n.pods.count);
  return m;
}

/** Records every manager event with its arrival time. */
export class EventRecorder {
  readonly events: { at: number; event: ManagerEvent }[] = [];
  private readonly off: () => void;

  constructor(mgr: RealtimeManager) {
    this.off = mgr.subscribe((event) => this.events.push({ at: performance.now(), event }));
  }

  changes(cluster?: string): NodeChange[] {
    return this.events.flatMap(({ event }) =>
      event.kind === 'change' && (!cluster || event.change.cluster === cluster) ? [event.change] : [],
    );
  }

  statuses(cluster: string): string[] {
    return this.events.flatMap(({ event }) =>
      event.kind === 'cluster_status' && event.cluster === cluster ? [event.status] : [],
    );
  }

  async waitForChange(
    pred: (c: NodeChange) => boolean,
    timeoutMs = 5000,
  ): Promise<{ change: NodeChange; at: number }> {
    let found: { change: NodeChange; at: number } | undefined;
    await until(
      () => {
        for (const { at, event } of this.events) {
          if (event.kind === 'change' && pred(event.change)) {
            found = { change: event.change, at };
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      'a matching change',
    );
    return found as { change: NodeChange; at: number };
  }

  clear(): void {
    this.events.length = 0;
  }

  close(): void {
    this.off();
  }
}
