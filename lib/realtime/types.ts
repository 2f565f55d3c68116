import type { NodeEventType } from '@/lib/protocol/messages';
import type { NodeQuery } from '@/lib/protocol/node-query';
import type { ChangeKind, NodeSummary } from '@/lib/protocol/node-summary';

/** One classified node change, as the cache applied it; seq is per cluster and strictly increasing. */
export interface NodeChange {
  cluster: string;
  seq: number;
  type: NodeEventType;
  name: string;
  resourceVersion: string;
  changes: ChangeKind[];
  node: NodeSummary;
  /**
   * The node as the cache held it just before this change (for a delete, the node removed); absent
   * for an add and in replayed changes. Live query views find the row they hold by it.
   */
  prev?: NodeSummary;
  /** epoch ms when the cache applied it */
  at: number;
}

export type ManagerEvent =
  | { kind: 'change'; change: NodeChange }
  /** The cluster's change history was broken (re-registered, credentials changed): clients must refetch. */
  | { kind: 'resync'; cluster: string; seq: number; reason: string }
  | { kind: 'cluster_removed'; cluster: string }
  | { kind: 'cluster_status'; cluster: string; status: ClusterSyncState };

export type ClusterSyncState = 'syncing' | 'ready' | 'degraded' | 'stopped';

export type ReplayResult =
  { ok: true; changes: NodeChange[] } | { ok: false; reason: 'too_old' | 'unknown_cluster' | 'future_seq' };

/** What the push hub needs from the realtime manager; kept narrow so the hub is testable with a fake. */
export interface ChangeSource {
  subscribe(listener: (event: ManagerEvent) => void): () => void;
  hasCluster(cluster: string): boolean;
  currentSeq(cluster: string): number;
  changesSince(cluster: string, seq: number): ReplayResult;
  /** the cluster's nodes matching a query, in its order, and their seq (live windows); undefined while not synced */
  snapshot?(cluster: string, query: NodeQuery): { nodes: readonly NodeSummary[]; seq: number } | undefined;
}
