import { nodeQuery } from '@/lib/protocol/node-query';
import { metrics } from '@/lib/metrics/hooks';
import { drainNode } from '@/lib/nodes/drain';
import type { Actor, NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import type { DrainPodProgress } from '@/lib/protocol/messages';
import type { RealtimeManager } from '@/lib/realtime/manager';
import { unavailabilityKinds, type ParsedBatch } from './batch';
import { auditEachNode, type BatchAuditSource } from './batch-audit';
import { UnavailabilityGate } from './max-unavailable';
import type { NodeExecutor, Operation, OperationRunner, RunRules } from './operation-runner';

/** Named like the app context's fields, so route handlers pass the context itself. */
export interface BatchDeps {
  operations: OperationRunner;
  nodes: NodeService;
  nodeSource: NodeSource;
  manager: Pick<RealtimeManager, 'listNodes'>;
  /** drain retry pause (tests shorten it) */
  drainRetryMs?: number;
}

/** A node's pods are pushed at most this often (a drain of a hundred pods is hundreds of changes). */
const PODS_REPORT_MS = 250;

/**
 * Calls `fn` at once, then at most once per `ms` (the last call in a window is delivered at its end);
 * flush() delivers a call still waiting now.
 */
function atMostEvery(ms: number, fn: () => void): (() => void) & { flush(): void } {
  let last = 0;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = undefined;
    last = Date.now();
    fn();
  };
  const call = () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) fire();
    else timer ??= setTimeout(fire, wait);
  };
  return Object.assign(call, { flush: () => timer !== undefined && fire() });
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
      return async (node, signal, run) => {
        // every pod's latest state, in the order the drain first saw them
        const pods = new Map<string, DrainPodProgress>();
        const publish = atMostEvery(PODS_REPORT_MS, () => run.report([...pods.values()]));
        let result: Awaited<ReturnType<typeof drainNode>>;
        try {
          result = await drainNode({
            kubeConfig: deps.nodeSource.kubeConfig(cluster, actor),
            node,
            options: batch.params,
            signal,
            retryMs: deps.drainRetryMs,
            cordon: () => nodes.cordon(cluster, node, actor, 'drain'),
            onEvent: (e) => {
              if (e.state === 'waiting_pdb') metrics().drainBlockedByPdb(cluster);
              const key = `${e.namespace}/${e.name}`;
              const before = pods.get(key);
              pods.set(key, e);
              // a budget refusing again and again is news only when what it says changes
              if (before?.state === e.state && JSON.stringify(before.pdb) === JSON.stringify(e.pdb)) return;
              publish();
            },
          });
        } finally {
          // the pods as they ended, before the node's own result
          publish.flush();
        }
        return {
          ok: true,
          message: `evicted ${result.evicted.length} pods, skipped ${result.skipped.length}`,
        };
      };
  }
}

/** The run rules of a batch: a max-unavailable gate reading the cluster's unschedulable nodes from the cache. */
export function runRulesFor(
  deps: Pick<BatchDeps, 'manager'>,
  cluster: string,
  kind: string,
  maxUnavailable: number | undefined,
): RunRules {
  if (maxUnavailable === undefined || !(unavailabilityKinds as readonly string[]).includes(kind)) return {};
  return {
    gate: new UnavailabilityGate({
      max: maxUnavailable,
      unschedulable: async () => {
        const page = await deps.manager.listNodes(cluster, nodeQuery({ schedulable: false }));
        return new Set(page.items.map((n) => n.name));
      },
    }),
  };
}

export interface BatchSpec {
  cluster: string;
  batch: ParsedBatch;
  nodes: string[];
  concurrency: number;
  actor: Actor;
  maxUnavailable?: number;
  stopAfterFailures?: number;
  /** one audit row per node, written by this caller's identity */
  auditNodes?: BatchAuditSource;
}

export function startBatch(deps: BatchDeps, spec: BatchSpec): Operation {
  const exec = executorFor(deps, spec.cluster, spec.batch, spec.actor);
  return deps.operations.start(
    {
      cluster: spec.cluster,
      kind: spec.batch.kind,
      user: spec.actor.username,
      params: spec.batch.params,
      nodes: spec.nodes,
      concurrency: spec.concurrency,
      maxUnavailable: spec.maxUnavailable,
      stopAfterFailures: spec.stopAfterFailures,
    },
    spec.auditNodes
      ? auditEachNode(spec.auditNodes, spec.cluster, spec.batch.kind, spec.batch.params, exec)
      : exec,
    runRulesFor(deps, spec.cluster, spec.batch.kind, spec.maxUnavailable),
  );
}
