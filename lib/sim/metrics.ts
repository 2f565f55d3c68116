import { apiErrors } from './errors';
import type { KObj } from './resources';
import { parseLabelSelector, matchesLabels } from './selectors';
import type { SimStore } from './sim-store';
import { formatTime } from './store';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

function parseCpu(v: string | undefined): number {
  if (!v) return 0;
  return v.endsWith('m') ? Number(v.slice(0, -1)) : Number(v) * 1000;
}

function parseKi(v: string | undefined): number {
  if (!v) return 0;
  return v.endsWith('Ki') ? Number(v.slice(0, -2)) : Math.round(Number(v) / 1024);
}

/** Deterministic, slowly varying usage between 10% and 70% of allocatable. */
export function nodeMetrics(node: KObj, nowMs: number): Record<string, unknown> {
  const alloc: Record<string, string> =
    (node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
  const h = hash(node.metadata.name);
  const phase = Math.sin(nowMs / 60_000 + (h % 628) / 100);
  const frac = 0.4 + 0.3 * phase * ((h % 100) / 100);
  const at = formatTime(nowMs);
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: { name: node.metadata.name, creationTimestamp: at, labels: node.metadata.labels ?? {} },
    timestamp: at,
    window: '20.05s',
    usage: {
      cpu: `${Math.round(parseCpu(alloc.cpu) * frac * 1e6)}n`,
      memory: `${Math.round(parseKi(alloc.memory) * (frac * 0.9 + 0.05))}Ki`,
    },
  };
}

/** metrics.k8s.io/v1beta1 NodeMetrics / PodMetrics list and get. */
export function metricsFor(
  store: SimStore,
  resource: string,
  namespace: string | undefined,
  name: string | undefined,
  labelSelector: string | undefined,
): unknown {
  const now = store.nowMs();
  const sel = parseLabelSelector(labelSelector);
  const ref = { resource, group: 'metrics.k8s.io' };
  if (resource === 'nodes') {
    if (name) {
      const n = store.tryGet('nodes', undefined, name);
      if (!n) throw apiErrors.notFound(ref, name);
      return nodeMetrics(n, now);
    }
    const items = store
      .listNodes()
      .filter((n) => matchesLabels(sel, n.metadata.labels))
      .map((n) => nodeMetrics(n, now));
    return { kind: 'NodeMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
  }
  if (resource === 'pods') {
    const podMetrics = (p: KObj) => ({
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        creationTimestamp: formatTime(now),
        labels: p.metadata.labels ?? {},
      },
      timestamp: formatTime(now),
      window: '15.02s',
      containers: [
        {
          name: 'main',
          usage: {
            cpu: `${(hash(p.metadata.name) % 200) * 1e6}n`,
            memory: `${20_000 + (hash(p.metadata.name) % 100_000)}Ki`,
          },
        },
      ],
    });
    if (name) {
      const p = store.tryGet('pods', namespace, name);
      if (!p) throw apiErrors.notFound(ref, name);
      return podMetrics(p);
    }
    const items = store.listPods({ namespace, labelSelector }).map(podMetrics);
    return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
  }
  throw apiErrors.pathNotFound();
}
