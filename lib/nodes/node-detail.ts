import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { readNodeMetrics } from '@/lib/node-metrics/metrics-api';
import type { CordonInfo } from '@/lib/protocol/cordon-annotations';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { podRequests } from '@/lib/realtime/pod-index';
import { fromK8sError } from './errors';

export interface PodInfo {
  name: string;
  namespace: string;
  phase: string;
  owner?: string;
  cpuRequestsMilli: number;
  memoryRequestsBytes: number;
}

export interface NodeDetail {
  summary: NodeSummary;
  object: unknown;
  pods: PodInfo[];
  events: Array<{ type?: string; reason?: string; message?: string; count?: number; lastTimestamp?: string }>;
  metrics?: { cpu: string; memory: string; timestamp?: string };
  /** set by getNodeDetail (lib/nodes/node-api.ts), which can read the audit log */
  cordon?: CordonInfo | null;
}

function podInfo(p: V1Pod): PodInfo {
  const { cpu, mem } = podRequests(p);
  const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
  return {
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? '',
    phase: p.status?.phase ?? 'Unknown',
    owner: owner ? `${owner.kind}/${owner.name}` : undefined,
    cpuRequestsMilli: Math.round(cpu),
    memoryRequestsBytes: Math.round(mem),
  };
}

/** Everything the node panel shows; metrics are optional because not every cluster serves metrics.k8s.io. */
export async function loadNodeDetail(kc: KubeConfig, summary: NodeSummary): Promise<NodeDetail> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = summary.name;
  try {
    const [object, pods, events] = await Promise.all([
      core.readNode({ name }),
      core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${name}` }),
      core.listEventForAllNamespaces({
        fieldSelector: `involvedObject.kind=Node,involvedObject.name=${name}`,
        limit: 50,
      }),
    ]);
    if (object.metadata) delete object.metadata.managedFields;
    let metrics: NodeDetail['metrics'];
    try {
      const m = await readNodeMetrics(kc, name);
      if (m.usage?.cpu && m.usage.memory)
        metrics = { cpu: m.usage.cpu, memory: m.usage.memory, timestamp: m.timestamp };
    } catch {
      metrics = undefined;
    }
    return {
      summary,
      object,
      pods: pods.items.map(podInfo),
      events: events.items.map((e) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        count: e.count,
        lastTimestamp: e.lastTimestamp ? new Date(e.lastTimestamp).toISOString() : undefined,
      })),
      metrics,
    };
  } catch (err) {
    throw fromK8sError(err, `node ${name}`);
  }
}
