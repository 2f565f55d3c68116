import type { Logger } from 'pino';
import type { ClusterService, RuntimeCluster } from '@/lib/clusters/cluster-service';
import { outsideRequest } from '@/lib/http/request-scope';
import { inClusterKubeconfig, type InClusterOptions } from '@/lib/k8s/service-account';
import type { RealtimeManager } from '@/lib/realtime/manager';
import { startSimulator, type Simulator } from '@/lib/sim';

export interface RuntimeClustersOptions {
  clusters: ClusterService;
  manager: RealtimeManager;
  logger: Logger;
  demo: { nodes: number; churn: boolean };
  /** where the pod's ServiceAccount and API server are (set when running in Kubernetes) */
  inCluster?: InClusterOptions;
  /** how often the registered clusters are re-read, so replicas pick up each other's changes */
  reconcileMs?: number;
}

/** Pure: what to (re)register and what to drop, given what was applied and what the database holds. */
export function planReconcile(
  applied: ReadonlyMap<string, number>,
  records: ReadonlyArray<{ name: string; updatedAt: number }>,
): { apply: string[]; remove: string[] } {
  const current = new Set(records.map((r) => r.name));
  return {
    apply: records.filter((r) => applied.get(r.name) !== r.updatedAt).map((r) => r.name),
    remove: [...applied.keys()].filter((name) => !current.has(name)),
  };
}

/**
 * Keeps the realtime manager's clusters equal to the registered ones: registers them at
 * start, follows this process's adds/updates/removes at once and other replicas' within
 * `reconcileMs`, and runs the built-in simulator behind the "demo" kind.
 */
export async function startRuntimeClusters(
  opts: RuntimeClustersOptions,
): Promise<{ close(): Promise<void> }> {
  const { manager, logger } = opts;
  let sim: Simulator | undefined;
  let simStarting: Promise<Simulator> | undefined;

  const demoSim = () =>
    (simStarting ??= startSimulator({
      nodes: opts.demo.nodes,
      podsPerNode: 4,
      seed: 42,
      churn: opts.demo.churn ? {} : false,
    }).then((s) => {
      sim = s;
      logger.info({ url: s.url, nodes: opts.demo.nodes }, 'demo cluster simulator started');
      return s;
    }));

  const kubeconfigFor = async (c: RuntimeCluster): Promise<{ yaml: string; context?: string }> => {
    if (c.kind === 'demo') return { yaml: (await demoSim()).kubeconfig() };
    if (c.kind === 'in-cluster') {
      if (!opts.inCluster) throw new Error('KUBERNETES_SERVICE_HOST is not set: not running in a pod');
      return { yaml: inClusterKubeconfig(opts.inCluster) };
    }
    return { yaml: c.kubeconfig ?? '', context: c.context ?? undefined };
  };

  const apply = async (name: string, removed: boolean) => {
    try {
      if (removed) {
        if (manager.hasCluster(name)) await manager.unregisterCluster(name);
        return;
      }
      const rt = await opts.clusters.runtimeFor(name);
      if (!rt) return;
      const { yaml, context } = await kubeconfigFor(rt);
      // a cluster added through the API starts informers that outlive the request: keep its id off their logs
      await outsideRequest(async () => {
        if (manager.hasCluster(name)) await manager.updateCluster(name, yaml, { context });
        else manager.registerCluster(name, yaml, { context });
      });
    } catch (err) {
      logger.error(
        { cluster: name, err: err instanceof Error ? err.message : String(err) },
        'cluster registration failed',
      );
    }
  };

  // name → updatedAt of the registration this process applied
  const applied = new Map<string, number>();
  const sync = async (name: string, removed: boolean) => {
    await apply(name, removed);
    const record = removed ? null : await opts.clusters.get(name);
    if (record) applied.set(name, record.updatedAt);
    else applied.delete(name);
  };

  let reconciling: Promise<void> | undefined;
  const reconcile = () =>
    (reconciling ??= (async () => {
      try {
        const plan = planReconcile(applied, await opts.clusters.list());
        for (const name of plan.remove) await sync(name, true);
        for (const name of plan.apply) await sync(name, false);
      } catch (err) {
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cluster reconcile failed');
      } finally {
        reconciling = undefined;
      }
    })());

  const unsubscribe = opts.clusters.onChange((c) => sync(c.name, c.type === 'removed'));
  await reconcile();
  const timer = setInterval(() => void reconcile(), opts.reconcileMs ?? 10_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      unsubscribe();
      await reconciling;
      await sim?.close();
    },
  };
}
