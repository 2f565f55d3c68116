import { nodeQuery, type NodeQuery, type NodeWindow } from '@/lib/protocol/node-query';
import type { ClusterRecord } from './cluster-service';

const readyQuery = nodeQuery({ status: ['Ready'] });

/** The slice of the realtime manager the cluster list needs (kept narrow for tests). */
export interface ClusterStatusSource {
  hasCluster(name: string): boolean;
  clusterStatus(name: string): {
    state: 'syncing' | 'ready' | 'degraded' | 'stopped';
    lastError?: string;
    nodes: number;
    seq: number;
  };
  getCache(name: string): { listNodes(q: NodeQuery, window?: NodeWindow): { total: number } } | undefined;
}

export interface ClusterView {
  name: string;
  displayName: string;
  kind: ClusterRecord['kind'];
  context: string | null;
  server: string | null;
  identityMode: ClusterRecord['identityMode'];
  createdAt: number;
  updatedAt: number;
  status: 'syncing' | 'ready' | 'degraded' | 'stopped';
  error?: string;
  nodes: number;
  ready: number;
  seq: number;
}

/** Stored record + live sync state, in the shape of lib/protocol/api clusterInfoSchema (plus metadata). */
export function clusterView(c: ClusterRecord, source: ClusterStatusSource): ClusterView {
  const base = {
    name: c.name,
    displayName: c.displayName,
    kind: c.kind,
    context: c.context,
    server: c.server,
    identityMode: c.identityMode,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
  return { ...base, ...clusterLiveStatus(c.name, source) };
}

/** A cluster's sync status and node counts: the REST cluster list and the pushed `cluster_status` alike. */
export function clusterLiveStatus(
  name: string,
  source: ClusterStatusSource,
): Pick<ClusterView, 'status' | 'error' | 'nodes' | 'ready' | 'seq'> {
  if (!source.hasCluster(name)) return { status: 'syncing', nodes: 0, ready: 0, seq: 0 };
  const s = source.clusterStatus(name);
  const ready = source.getCache(name)?.listNodes(readyQuery, { offset: 0, limit: 1 }).total ?? 0;
  return {
    status: s.state,
    ...(s.lastError ? { error: s.lastError } : {}),
    nodes: s.nodes,
    ready,
    seq: s.seq,
  };
}
