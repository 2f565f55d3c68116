import { nodeQuery } from '@/lib/protocol/node-query';
import { resolveBatchNodes } from '@/lib/nodes/node-api';
import type { BatchPreview } from '@/lib/protocol/operations';
import type { AppContext } from '@/lib/server/app-context';
import { unavailabilityKinds, type BatchRequest } from './batch';

/** The nodes a batch would affect now, from the node cache; changes nothing. */
export async function previewBatch(
  ctx: Pick<AppContext, 'manager' | 'nodeSource'>,
  cluster: string,
  req: BatchRequest,
): Promise<BatchPreview> {
  const names = [...new Set(await resolveBatchNodes(ctx, cluster, req))];
  const unschedulable = new Set(
    (await ctx.manager.listNodes(cluster, nodeQuery({ schedulable: false }))).items.map((n) => n.name),
  );
  // a selector only yields nodes the cluster has; a list may name others
  const wanted = new Set(names);
  const known = req.nodes
    ? new Set(
        (await ctx.manager.listNodes(cluster, nodeQuery())).items
          .map((n) => n.name)
          .filter((n) => wanted.has(n)),
      )
    : wanted;
  const nodes = names
    .filter((n) => known.has(n))
    .map((name) => ({ name, unschedulable: unschedulable.has(name) }));
  const missing = names.filter((n) => !known.has(n));
  const warnings: string[] = [];
  if (nodes.length === 0)
    warnings.push(req.selector ? `no node matches ${req.selector}` : 'no node to run on');
  if (missing.length)
    warnings.push(`${missing.length} listed node(s) not in the cluster: ${missing.slice(0, 5).join(', ')}`);
  const max = req.maxUnavailable;
  if (max !== undefined && unavailabilityKinds.includes(req.kind)) {
    const toCordon = nodes.filter((n) => !n.unschedulable).length;
    if (toCordon > 0 && unschedulable.size >= max)
      warnings.push(
        `${unschedulable.size} nodes are unschedulable already (max unavailable ${max}): the batch waits until some become schedulable`,
      );
    else if (toCordon > max - unschedulable.size)
      warnings.push(
        `${toCordon} nodes to cordon, at most ${max - unschedulable.size} at a time (${unschedulable.size} unschedulable already): the batch waits for nodes to become schedulable again`,
      );
  }
  return {
    cluster,
    kind: req.kind,
    total: nodes.length,
    nodes,
    missing,
    unavailableNow: unschedulable.size,
    ...(max !== undefined ? { maxUnavailable: max } : {}),
    ...(req.stopAfterFailures !== undefined ? { stopAfterFailures: req.stopAfterFailures } : {}),
    warnings,
  };
}
