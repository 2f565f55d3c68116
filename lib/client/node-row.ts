import type { NodeSummary } from '@/lib/protocol/node-summary';
import { parseCpuMilli, parseQuantity } from './quantity';

/** Values the table shows and sorts by, derived once per NodeSummary object. */
export interface NodeRowModel {
  internalIP: string;
  version: string;
  cpuRequestsMilli: number;
  cpuAllocatableMilli: number;
  /** requests / allocatable as 0..n (NaN when allocatable is unknown) */
  cpuRatio: number;
  memoryRequestsBytes: number;
  memoryAllocatableBytes: number;
  memoryRatio: number;
  pods: number;
  podCapacity: number;
  createdAt: number;
  /** lowercase haystack for the free-text filter */
  search: string;
}

// Unchanged nodes keep their object identity across patches, so a WeakMap caches all derivation work.
const cache = new WeakMap<NodeSummary, NodeRowModel>();

export function rowModel(node: NodeSummary): NodeRowModel {
  let m = cache.get(node);
  if (m) return m;
  const s = node.static;
  const ip = s.addresses.find((a) => a.type === 'InternalIP')?.address ?? s.addresses[0]?.address ?? '';
  const cpuAlloc = parseCpuMilli(s.allocatable.cpu);
  const memAlloc = parseQuantity(s.allocatable.memory);
  const labelText = Object.entries(node.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  m = {
    internalIP: ip,
    version: s.nodeInfo.kubeletVersion,
    cpuRequestsMilli: node.pods.cpuRequestsMilli,
    cpuAllocatableMilli: cpuAlloc,
    cpuRatio: cpuAlloc > 0 ? node.pods.cpuRequestsMilli / cpuAlloc : NaN,
    memoryRequestsBytes: node.pods.memoryRequestsBytes,
    memoryAllocatableBytes: memAlloc,
    memoryRatio: memAlloc > 0 ? node.pods.memoryRequestsBytes / memAlloc : NaN,
    pods: node.pods.count,
    podCapacity: parseQuantity(s.allocatable.pods ?? s.capacity.pods),
    createdAt: Date.parse(node.creationTimestamp),
    search: [node.name, ip, s.nodeInfo.kubeletVersion, node.roles.join(' '), labelText]
      .join(' ')
      .toLowerCase(),
  };
  cache.set(node, m);
  return m;
}
