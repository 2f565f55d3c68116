import { metrics } from '@/lib/metrics/hooks';
import { drainNode } from '@/lib/nodes/drain';
import type { Actor, NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import type { ParsedBatch } from './batch';
import type { NodeExecutor, Operation, OperationRunner } from './operation-runner';

/** Named like the app context's fields, so route handlers pass the context itself. */
export interface BatchDeps {
  operations: OperationRunner;
  nodes: NodeService;
  nodeSource: NodeSource;
  /** drain retry pause (tests shorten it) */
  drainRetryMs?: number;
}

/** The one place that knows how to carry out each kind on a node; single-node routes and batches share it. */
export function executorFor(
  deps: BatchDeps,
  cluster: string,
  batch: ParsedBatch,
  actor: Actor,
): NodeExecutor {
  const { nodes } = deps;
  switch (batch.kind) {
    case 'labels':
      return async (node) => (await nodes.editLabels(cluster, node, batch.params, actor), { ok: true });
    case 'taints':
      return async (node) => (await nodes.editTaints(cluster, node, batch.params, actor), { ok: true });
    case 'cordon':
      return async (node) => (await nodes.cordon(cluster, node, actor, batch.params.reason), { ok: true });
    case 'uncordon':
      return async (node) => (await nodes.uncordon(cluster, node, actor), { ok: true });
    case 'drain':
      return async (node, signal) => {
        const result = await drainNode({
          kubeConfig: deps.nodeSource.kubeConfig(cluster, actor),
          node,
          options: batch.params,
          signal,
          retryMs: deps.drainRetryMs,
          cordon: () => nodes.cordon(cluster, node, actor, 'drain'),
          onEvent: (e) => {
            if (e.state === 'blocked_by_pdb') metrics().drainBlockedByPdb(cluster);
          },
        });
        return {
          ok: true,
          message: `evicted ${result.evicted.length} pods, skipped ${result.skipped.length}`,
        };
      };
  }
}

export function startBatch(
  deps: BatchDeps,
  spec: { cluster: string; batch: ParsedBatch; nodes: string[]; concurrency: number; actor: Actor },
): Operation {
  return deps.operations.start(
    {
      cluster: spec.cluster,
      kind: spec.batch.kind,
      user: spec.actor.username,
      params: spec.batch.params,
      nodes: spec.nodes,
      concurrency: spec.concurrency,
    },
    executorFor(deps, spec.cluster, spec.batch, spec.actor),
  );
}
