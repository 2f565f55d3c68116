import type { SimContext } from './http/context';
import { metricsFor } from './metrics';
import { PodController, daemonSetName, workloadNamespace } from './pods';
import type { SimStore } from './sim-store';
import { formatTime } from './store';

export interface PodsOptions {
  podsPerNode: number;
  graceSeconds: number;
}

/** Wires the pod controller (graceful delete, eviction) and metrics into the HTTP hooks. */
export function installPodHooks(ctx: SimContext, opts: PodsOptions): PodController {
  const pods = new PodController(ctx.store, opts);
  ctx.hooks.deletePod = (ns, name, grace, pre) => pods.deletePod(ns, name, grace, pre);
  ctx.hooks.evict = (ns, name, body) => pods.evict(ns, name, body);
  ctx.hooks.metrics = (resource, ns, name, sel) => metricsFor(ctx.store, resource, ns, name, sel);
  return pods;
}

/** Creates namespaces, the kube-proxy DaemonSet, n nodes (a few control-plane) with leases and their pods. */
export function seedCluster(
  store: SimStore,
  opts: PodsOptions & { nodes: number },
  pods: PodController,
): void {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', workloadNamespace]) {
    store.create('namespaces', {
      metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  store.create(
    'daemonsets',
    {
      metadata: { name: daemonSetName, labels: { 'k8s-app': daemonSetName }, generation: 1 },
      spec: {
        selector: { matchLabels: { 'k8s-app': daemonSetName } },
        template: {
          metadata: { labels: { 'k8s-app': daemonSetName } },
          spec: { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4' }] },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      },
      status: {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
        observedGeneration: 1,
      },
    },
    'kube-system',
  );
  const controlPlanes = opts.nodes >= 50 ? 3 : opts.nodes >= 2 ? 1 : 0;
  for (let i = 0; i < opts.nodes; i++) addNode(store, pods, i < controlPlanes);
  const scheduled = opts.podsPerNode > 0 ? opts.nodes : 0;
  store.mutate('daemonsets', 'kube-system', daemonSetName, (ds) => {
    ds.status = {
      currentNumberScheduled: scheduled,
      desiredNumberScheduled: scheduled,
      numberAvailable: scheduled,
      numberMisscheduled: 0,
      numberReady: scheduled,
      observedGeneration: 1,
      updatedNumberScheduled: scheduled,
    };
  });
}

/** Adds one node with its lease and (when configured) pods. */
export function addNode(store: SimStore, pods: PodController, controlPlane = false): string {
  const node = store.createNode({ controlPlane });
  const name = node.metadata.name;
  store.create(
    'leases',
    {
      metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] },
      spec: {
        holderIdentity: name,
        leaseDurationSeconds: 40,
        renewTime: new Date(store.nowMs()).toISOString().replace('Z', '000Z'),
      },
    },
    'kube-node-lease',
  );
  pods.spawnPodsForNode(node);
  return name;
}

export function removeNode(store: SimStore, name: string): void {
  store.deleteNode(name);
  if (store.tryGet('leases', 'kube-node-lease', name)) store.delete('leases', 'kube-node-lease', name);
}

export interface BackgroundOptions {
  nodeStatusIntervalMs: number;
  leaseIntervalMs: number;
  /** Events older than this are deleted, like kube-apiserver's --event-ttl (default 1 h) */
  eventTtlMs?: number;
}

/** Deletes Events whose lastTimestamp is older than ttlMs. */
export function expireEvents(store: SimStore, ttlMs: number): number {
  const cutoff = store.nowMs() - ttlMs;
  let n = 0;
  for (const e of [...store.entries('events')]) {
    const last =
      typeof e.obj.lastTimestamp === 'string'
        ? e.obj.lastTimestamp
        : (e.obj.metadata.creationTimestamp ?? '');
    const ts = Date.parse(last);
    if (Number.isFinite(ts) && ts < cutoff) {
      store.delete('events', e.obj.metadata.namespace, e.obj.metadata.name);
      n++;
    }
  }
  return n;
}

function bucketOf(name: string, buckets: number): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(h) % buckets;
}

/**
 * Kubelet-like background writers, spread over one-second ticks: lease renewals (never touching Nodes)
 * and periodic node status rewrites where only heartbeat timestamps change.
 */
export function startBackground(store: SimStore, opts: BackgroundOptions): { stop(): void } {
  let tick = 0;
  const leaseBuckets = Math.max(1, Math.round(opts.leaseIntervalMs / 1000));
  const statusBuckets = Math.max(1, Math.round(opts.nodeStatusIntervalMs / 1000));
  const timer = setInterval(() => {
    tick++;
    const nowMs = store.nowMs();
    if (tick % 60 === 0) expireEvents(store, opts.eventTtlMs ?? 3600_000);
    for (const name of store.nodeNames()) {
      if (
        opts.leaseIntervalMs > 0 &&
        bucketOf(name, leaseBuckets) === tick % leaseBuckets &&
        store.tryGet('leases', 'kube-node-lease', name)
      ) {
        store.mutate('leases', 'kube-node-lease', name, (l) => {
          (l.spec as Record<string, unknown>).renewTime = new Date(nowMs).toISOString().replace('Z', '000Z');
        });
      }
      if (opts.nodeStatusIntervalMs > 0 && bucketOf(`s${name}`, statusBuckets) === tick % statusBuckets) {
        const at = formatTime(nowMs);
        store.mutate('nodes', undefined, name, (n) => {
          for (const c of (n.status as { conditions?: Array<Record<string, string>> }).conditions ?? [])
            c.lastHeartbeatTime = at;
        });
      }
    }
  }, 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
