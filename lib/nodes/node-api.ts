import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { AppContext } from '@/lib/server/app-context';
import { NodeOpError } from './errors';
import { toNodeQuery, type ListQuery } from './list-query';
import { loadNodeDetail, type NodeDetail } from './node-detail';

type Ctx = Pick<AppContext, 'manager' | 'nodeSource'>;

/** Translates the realtime core's errors into node-operation errors at the one boundary routes call. */
async function guard<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // By name, not instanceof: the manager was built by server.ts's copy of these modules, not the route bundle's.
    const name = err instanceof Error ? err.name : '';
    if (name === 'UnknownClusterError') throw new NodeOpError('not_found', `cluster ${cluster} is not registered`);
    if (name === 'LabelSelectorError') throw new NodeOpError('bad_request', (err as Error).message);
    throw err;
  }
}

/**
 * The node table from the SmartCache. The seq is read before the list, so a client that
 * subscribes with since=seq misses nothing (it may see a change twice; applying is idempotent).
 */
export function listNodes(ctx: Ctx, cluster: string, q: ListQuery): Promise<NodeListResponse> {
  return guard(cluster, async () => {
    const seq = ctx.manager.currentSeq(cluster);
    const page = await ctx.manager.listNodes(cluster, toNodeQuery(q));
    return { cluster, seq, source: page.source, synced: page.synced, total: page.total, items: page.items };
  });
}

export function getNodeSummary(ctx: Ctx, cluster: string, node: string): Promise<NodeSummary> {
  return guard(cluster, async () => {
    const found = await ctx.nodeSource.getNode(cluster, node);
    if (!found) throw new NodeOpError('not_found', `node ${node} not found in cluster ${cluster}`);
    return found;
  });
}

export function getNodeDetail(ctx: Ctx, cluster: string, node: string): Promise<NodeDetail> {
  return guard(cluster, async () => loadNodeDetail(ctx.manager.kubeConfig(cluster), await getNodeSummary(ctx, cluster, node)));
}

/** Runs a node write, mapping an unknown cluster to 404 like the reads do. */
export function nodeWrite<T>(cluster: string, fn: () => Promise<T>): Promise<T> {
  return guard(cluster, fn);
}

/** Node names a batch addresses: the given list, or the nodes matching a label selector now. */
export function resolveBatchNodes(ctx: Ctx, cluster: string, spec: { nodes?: string[]; selector?: string }): Promise<string[]> {
  return guard(cluster, async () => {
    if (spec.nodes) return spec.nodes;
    const page = await ctx.manager.listNodes(cluster, { labelSelector: spec.selector, page: 'all' });
    return page.items.map((n) => n.name);
  });
}
