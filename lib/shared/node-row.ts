import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { NodeRow } from '@/lib/protocol/window';
import { internalIP } from './node-query';
import { cpuMillis, memoryBytes, parseQuantity } from './quantity';

/** Well-known labels first, then their deprecated beta names (older clusters still set only those). */
const wellKnown = {
  zone: ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'],
  region: ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'],
  instanceType: ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'],
} as const;

function label(n: NodeSummary, keys: readonly string[]): string {
  for (const k of keys) {
    const v = n.labels[k];
    if (v) return v;
  }
  return '';
}

// Summaries are immutable snapshots, so a row is derived once per summary object.
const rows = new WeakMap<NodeSummary, NodeRow>();

/** The slim row a window pushes for a node: what the table shows, nothing else. */
export function toNodeRow(n: NodeSummary): NodeRow {
  let r = rows.get(n);
  if (r) return r;
  const s = n.static;
  const podCapacity = parseQuantity(s.allocatable.pods ?? s.capacity.pods);
  r = {
    name: n.name,
    status: n.status,
    unschedulable: n.unschedulable,
    roles: n.roles,
    version: s.nodeInfo.kubeletVersion,
    internalIP: internalIP(n),
    externalIP: s.addresses.find((a) => a.type === 'ExternalIP')?.address ?? '',
    zone: label(n, wellKnown.zone),
    region: label(n, wellKnown.region),
    instanceType: label(n, wellKnown.instanceType),
    os: s.nodeInfo.operatingSystem,
    arch: s.nodeInfo.architecture,
    labels: n.labels,
    cpuRequestsMilli: n.pods.cpuRequestsMilli,
    cpuAllocatableMilli: cpuMillis(s.allocatable.cpu),
    memoryRequestsBytes: n.pods.memoryRequestsBytes,
    memoryAllocatableBytes: memoryBytes(s.allocatable.memory),
    pods: n.pods.count,
    podCapacity: Number.isFinite(podCapacity) ? podCapacity : null,
    taints: n.taints,
    creationTimestamp: n.creationTimestamp,
  };
  rows.set(n, r);
  return r;
}

/** Whether two rows show the same thing (a summary change the table cannot see sends nothing). */
export function sameRow(a: NodeRow, b: NodeRow): boolean {
  if (a === b) return true;
  for (const k of Object.keys(a) as (keyof NodeRow)[]) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    if (typeof x === 'object' && JSON.stringify(x) === JSON.stringify(y)) continue;
    return false;
  }
  return true;
}
