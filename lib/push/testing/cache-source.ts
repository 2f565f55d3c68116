import type { NodeQuery } from '@/lib/protocol/node-query';
import { SmartCache } from '@/lib/realtime/smart-cache';
import type { ChangeSource, ManagerEvent, NodeChange, ReplayResult } from '@/lib/realtime/types';

/**
 * A ChangeSource over one real SmartCache: tests and benchmarks mutate the cache through `run`,
 * and every change it returns is emitted to the hub, as the RealtimeManager does.
 */
export class CacheSource implements ChangeSource {
  readonly cache: SmartCache;
  private readonly listeners = new Set<(event: ManagerEvent) => void>();

  constructor(
    readonly cluster = 'c',
    logCapacity = 10_000,
  ) {
    this.cache = new SmartCache({ cluster, logCapacity });
  }

  /** Applies a cache mutation and emits its changes. */
  run(mutate: (cache: SmartCache) => NodeChange[]): NodeChange[] {
    const changes = mutate(this.cache);
    for (const change of changes) for (const l of this.listeners) l({ kind: 'change', change });
    return changes;
  }

  subscribe(listener: (event: ManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasCluster(cluster: string): boolean {
    return cluster === this.cluster;
  }

  currentSeq(): number {
    return this.cache.seq;
  }

  changesSince(_cluster: string, seq: number): ReplayResult {
    return this.cache.changesSince(seq);
  }

  snapshot(cluster: string, query: NodeQuery) {
    if (cluster !== this.cluster) return undefined;
    return { nodes: this.cache.scanNodes(query), seq: this.cache.seq };
  }
}
