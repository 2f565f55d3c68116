import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { MetricsUnavailable, NodeUsage } from '@/lib/protocol/node-usage';
import { cpuMillis, memoryBytes } from '@/lib/shared/quantity';

/** The part of a metrics.k8s.io/v1beta1 NodeMetrics the app reads. */
export interface NodeMetricsObject {
  metadata?: { name?: string };
  timestamp?: string;
  usage?: { cpu?: string; memory?: string };
}

const group = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' } as const;

/** Usage in the app's units; undefined when the object carries no usage. */
export function toUsage(m: NodeMetricsObject): NodeUsage | undefined {
  if (!m.usage?.cpu || !m.usage.memory) return undefined;
  return { cpuMilli: cpuMillis(m.usage.cpu), memoryBytes: memoryBytes(m.usage.memory) };
}

/** One node's NodeMetrics (the node panel's figure, read as the user). */
export async function readNodeMetrics(kc: KubeConfig, name: string): Promise<NodeMetricsObject> {
  return (await kc
    .makeApiClient(CustomObjectsApi)
    .getClusterCustomObject({ ...group, name })) as NodeMetricsObject;
}

/** Named reads in flight at once: a screen of rows in a few round trips, without a burst. */
const READ_CONCURRENCY = 8;

/**
 * Every node's usage in one list (metrics.k8s.io cannot be watched, so the sampler calls this), or
 * only the named nodes', one GET each: a large cluster's table shows a few dozen of its nodes. A named
 * node whose read fails is left out; when every read fails, the first error is thrown.
 */
export async function listNodeUsage(
  kc: KubeConfig,
  names?: readonly string[],
): Promise<Map<string, NodeUsage>> {
  if (names) return readNodeUsages(kc, names);
  const list = (await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject(group)) as {
    items?: NodeMetricsObject[];
  };
  const out = new Map<string, NodeUsage>();
  for (const item of list.items ?? []) {
    const usage = toUsage(item);
    if (item.metadata?.name && usage) out.set(item.metadata.name, usage);
  }
  return out;
}

async function readNodeUsages(kc: KubeConfig, names: readonly string[]): Promise<Map<string, NodeUsage>> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const out = new Map<string, NodeUsage>();
  let read = 0;
  let failed: unknown = null;
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      try {
        const usage = toUsage((await api.getClusterCustomObject({ ...group, name })) as NodeMetricsObject);
        read++;
        if (usage) out.set(name, usage);
      } catch (err) {
        // one node's 404 is a node without metrics yet; every read's 404 is a cluster without the API
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, names.length) }, worker));
  if (read === 0 && failed) throw failed;
  return out;
}

/**
 * Why a cluster gave no metrics, in words for a tooltip. Read by status code rather than
 * `instanceof ApiException`, so an error from another bundle's copy of client-node maps the same.
 */
export function metricsUnavailable(err: unknown): MetricsUnavailable {
  const code = (err as { code?: unknown }).code;
  if (code === 404)
    return {
      code: 'not_served',
      message: 'This cluster does not serve metrics.k8s.io (is metrics-server installed?)',
    };
  if (code === 401 || code === 403)
    return {
      code: 'forbidden',
      message: "The app's identity may not list nodes in metrics.k8s.io on this cluster",
    };
  const detail = typeof code === 'number' ? `HTTP ${code}` : err instanceof Error ? err.message : String(err);
  return { code: 'failed', message: `Reading metrics.k8s.io failed (${detail})` };
}
