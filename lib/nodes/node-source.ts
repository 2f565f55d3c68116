import type { KubeConfig } from '@kubernetes/client-node';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { Actor } from './node-service';

/** What node operations need from the realtime manager (a port, so they can be tested against any cache). */
export interface NodeSource {
  /** the KubeConfig for a request made for `actor` (impersonating them, or with their token, by cluster mode) */
  kubeConfig(cluster: string, actor?: Actor): KubeConfig;
  /** from the cache, or the API when the cache misses */
  getNode(cluster: string, name: string): Promise<NodeSummary | undefined>;
  /** resolves once the cache has applied `resourceVersion` (or newer) for the node; undefined on timeout */
  waitForResourceVersion(
    cluster: string,
    name: string,
    resourceVersion: string,
    timeoutMs: number,
  ): Promise<NodeSummary | undefined>;
}
