import type { ChangeKind, NodeSummary, PodStats } from '@/lib/protocol/node-summary';

/**
 * Pure change detection between two summaries of the same node. Summaries carry no
 * heartbeat timestamps, resourceVersion-only or managedFields-only differences, so an
 * update whose result is [] is noise and gets dropped before the cache and the hub.
 */

export function sameStringMap(a: Record<string, string>, b: Record<string, string>): boolean {
  if (a === b) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameArray<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i] as T, b[i] as T)) return false;
  return true;
}

type Taint = NodeSummary['taints'][number];
type Condition = NodeSummary['conditions'][number];
type Address = NodeSummary['static']['addresses'][number];

const sameTaint = (x: Taint, y: Taint) =>
  x.key === y.key &&
  x.effect === y.effect &&
  (x.value ?? '') === (y.value ?? '') &&
  x.timeAdded === y.timeAdded;
const sameCondition = (x: Condition, y: Condition) =>
  x.type === y.type &&
  x.status === y.status &&
  (x.reason ?? '') === (y.reason ?? '') &&
  (x.message ?? '') === (y.message ?? '');
const sameAddress = (x: Address, y: Address) => x.type === y.type && x.address === y.address;

export function samePodStats(a: PodStats, b: PodStats): boolean {
  if (a === b) return true;
  if (a.count !== b.count || a.cpuRequestsMilli !== b.cpuRequestsMilli) return false;
  if (a.memoryRequestsBytes !== b.memoryRequestsBytes) return false;
  let n = 0;
  for (const k in a.phases) {
    if (a.phases[k] !== b.phases[k]) return false;
    n++;
  }
  for (const _ in b.phases) n--;
  return n === 0;
}

export function sameAddresses(a: Address[], b: Address[]): boolean {
  return sameArray(a, b, sameAddress);
}

export function sameNodeInfo(
  a: NodeSummary['static']['nodeInfo'],
  b: NodeSummary['static']['nodeInfo'],
): boolean {
  return (
    a === b ||
    (a.kubeletVersion === b.kubeletVersion &&
      a.kubeProxyVersion === b.kubeProxyVersion &&
      a.osImage === b.osImage &&
      a.kernelVersion === b.kernelVersion &&
      a.containerRuntimeVersion === b.containerRuntimeVersion &&
      a.architecture === b.architecture &&
      a.operatingSystem === b.operatingSystem)
  );
}

/** Static-part kinds only; [] when both are equal (then the old object can be kept by reference). */
export function classifyStatic(prev: NodeSummary['static'], next: NodeSummary['static']): ChangeKind[] {
  if (prev === next) return [];
  const kinds: ChangeKind[] = [];
  if (!sameAddresses(prev.addresses, next.addresses)) kinds.push('addresses');
  if (!sameStringMap(prev.capacity, next.capacity) || !sameStringMap(prev.allocatable, next.allocatable)) {
    kinds.push('capacity');
  }
  if (!sameNodeInfo(prev.nodeInfo, next.nodeInfo)) kinds.push('node_info');
  return kinds;
}

/** Every ChangeKind that differs between prev and next, in the canonical changeKinds order. */
export function classifyChange(prev: NodeSummary, next: NodeSummary): ChangeKind[] {
  const kinds: ChangeKind[] = [];
  if (!sameStringMap(prev.labels, next.labels)) kinds.push('labels');
  if (!sameStringMap(prev.annotations, next.annotations)) kinds.push('annotations');
  if (!sameArray(prev.taints, next.taints, sameTaint)) kinds.push('taints');
  if (prev.unschedulable !== next.unschedulable) kinds.push('schedulable');
  if (prev.status !== next.status) kinds.push('status');
  if (!sameArray(prev.conditions, next.conditions, sameCondition)) kinds.push('conditions');
  const staticKinds = classifyStatic(prev.static, next.static);
  for (const k of staticKinds) kinds.push(k);
  if (!samePodStats(prev.pods, next.pods)) kinds.push('pods');
  // podCIDR and uid changes are rare and not ChangeKinds of their own; a uid change means
  // the node was recreated, which the cache reports as a delete + add instead.
  if (kinds.length === 0 && (prev.podCIDR ?? '') !== (next.podCIDR ?? '')) kinds.push('addresses');
  return kinds;
}
