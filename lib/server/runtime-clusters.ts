import type { Logger } from 'pino';
import type { ControlBus } from '@/lib/bus';
import type { ClusterService, RuntimeCluster } from '@/lib/clusters/cluster-service';
import { outsideRequest } from '@/lib/http/request-scope';
import { inClusterKubeconfig, type InClusterOptions } from '@/lib/k8s/service-account';
import type { IdentityService } from '@/lib/identity/identity-service';
import type { RealtimeManager } from '@/lib/realtime/manager';
import { startSimulator, type Simulator } from '@/lib/sim';

export interface RuntimeClustersOptions {
  clusters: ClusterService;
  manager: RealtimeManager;
  /** told each cluster's identity mode; a mode change alone does not restart informers */
  identity?: Pick<IdentityService, 'setMode' | 'dropCluster'>;
  logger: Logger;
  /** carries cluster.changed between replicas; its onResync (listener reconnected) reconciles at once */
  bus: ControlBus;
  /**
   * `local`: this process runs its own demo simulator (SQLite, one process). `shared`: one replica
   * hosts it (DemoHost) and the demo row carries its kubeconfig, used like any other.
   */
  demo: { nodes: number; churn: boolean; mode: 'local' | 'shared' };
  /** where the pod's ServiceAccount and API server are (set when running in Kubernetes) */
  inCluster?: InClusterOptions;
  /** safety net for missed notifications: how often the registered clusters are re-read */
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
 * Keeps the realtime manager's clusters equal to the registered ones: registers them at start,
 * follows every replica's adds/updates/removes as the control bus announces them, re-reads the
 * table when the bus listener reconnected and every `reconcileMs` anyway, and (one process) runs the
 * built-in simulator behind the "demo" kind.
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

  const kubeconfigFor = async (c: RuntimeCluster): Promise<{ yaml: string; context?: string } | null> => {
    if (c.kind === 'demo' && opts.demo.mode === 'local') return { yaml: (await demoSim()).kubeconfig() };
    if (c.kind === 'demo') return c.kubeconfig ? { yaml: c.kubeconfig } : null;
    if (c.kind === 'in-cluster') {
      if (!opts.inCluster) throw new Error('KUBERNETES_SERVICE_HOST is not set: not running in a pod');
      return { yaml: inClusterKubeconfig(opts.inCluster) };
    }
    return { yaml: c.kubeconfig ?? '', context: c.context ?? undefined };
  };

  // name → the kubeconfig and context the manager runs with
  const registered = new Map<string, string>();
  const apply = async (name: string, removed: boolean) => {
    try {
      if (removed) {
        opts.identity?.dropCluster(name);
        registered.delete(name);
        if (manager.hasCluster(name)) await manager.unregisterCluster(name);
        return;
      }
      const rt = await opts.clusters.runtimeFor(name);
      if (!rt) return;
      opts.identity?.setMode(name, rt.identityMode);
      const kc = await kubeconfigFor(rt);
      if (!kc) {
        logger.info({ cluster: name }, 'waiting for a replica to host the demo simulator');
        return;
      }
      const { yaml, context } = kc;
      // informers keep the kubeconfig's identity: only new credentials or a new context restart them
      const fingerprint = `${context ?? ''}\0${yaml}`;
      if (manager.hasCluster(name) && registered.get(name) === fingerprint) return;
      // a cluster added through the API starts informers that outlive the request: keep its id off their logs
      await outsideRequest(async () => {
        if (manager.hasCluster(name)) await manager.updateCluster(name, yaml, { context });
        else manager.registerCluster(name, yaml, { context });
      });
      registered.set(name, fingerprint);
    } catch (err) {
      logger.error(
        { cluster: name, err: err instanceof Error ? err.message : String(err) },
        'cluster registration failed',
      );
    }
  };

  // name → updatedAt of the registration this process applied
  const applied = new Map<string, number>();
  // one apply per cluster at a time: a bus message and the reconcile may ask for the same cluster at once
  const chains = new Map<string, Promise<void>>();
  const syncNow = async (name: string, removed: boolean) => {
    // read the version before applying: a change landing meanwhile leaves `applied` behind, so the
    // next reconcile applies it again rather than never
    const record = removed ? null : await opts.clusters.get(name);
    await apply(name, removed || !record);
    if (record) applied.set(name, record.updatedAt);
    else applied.delete(name);
  };
  const sync = (name: string, removed: boolean): Promise<void> => {
    const run = (chains.get(name) ?? Promise.resolve()).then(() => syncNow(name, removed));
    const settled = run.catch(() => undefined);
    chains.set(name, settled);
    void settled.then(() => {
      if (chains.get(name) === settled) chains.delete(name);
    });
    return run;
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

  const unsubscribe = opts.bus.subscribe((msg) =>
    msg.type === 'cluster.changed' ? sync(msg.name, msg.change === 'removed') : undefined,
  );
  const unsubscribeResync = opts.bus.onResync(() => void reconcile());
  await reconcile();
  const timer = setInterval(() => void reconcile(), opts.reconcileMs ?? 10_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      unsubscribe();
      unsubscribeResync();
      await reconciling;
      await sim?.close();
    },
  };
}
