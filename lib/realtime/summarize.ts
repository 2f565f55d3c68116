import type { NodeStatus, NodeSummary, PodStats, Taint } from '@/lib/protocol/node-summary';

/**
 * Turns a Node object into the slim NodeSummary. Accepts both the raw watch JSON
 * (timestamps as strings) and client-node's deserialized models (timestamps as Date),
 * and tolerates missing fields: a malformed object yields defaults, never a throw.
 */

type Loose = Record<string, unknown>;
type StaticPart = NodeSummary['static'];

export const emptyPodStats = (): PodStats => ({
  count: 0,
  cpuRequestsMilli: 0,
  memoryRequestsBytes: 0,
  phases: {},
});

const obj = (v: unknown): Loose => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().replace('.000Z', 'Z');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
};

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) {
    const s = str(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

const effects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

function taints(v: unknown): Taint[] {
  const out: Taint[] = [];
  for (const t of arr(v)) {
    const o = obj(t);
    const key = str(o.key);
    const effect = str(o.effect);
    if (!key || !effect || !effects.has(effect)) continue;
    const taint: Taint = { key, effect: effect as Taint['effect'] };
    const value = str(o.value);
    if (value !== undefined && value !== '') taint.value = value;
    const added = str(o.timeAdded);
    if (added) taint.timeAdded = added;
    out.push(taint);
  }
  return out;
}

function conditions(v: unknown): NodeSummary['conditions'] {
  return arr(v).map((c) => {
    const o = obj(c);
    const cond: NodeSummary['conditions'][number] = {
      type: str(o.type) ?? '',
      status: str(o.status) ?? 'Unknown',
    };
    const reason = str(o.reason);
    const message = str(o.message);
    const ltt = str(o.lastTransitionTime);
    if (reason !== undefined) cond.reason = reason;
    if (message !== undefined) cond.message = message;
    if (ltt !== undefined) cond.lastTransitionTime = ltt;
    return cond;
  });
}

export function readyStatus(conds: NodeSummary['conditions']): NodeStatus {
  const ready = conds.find((c) => c.type === 'Ready');
  if (!ready) return 'Unknown';
  if (ready.status === 'True') return 'Ready';
  if (ready.status === 'False') return 'NotReady';
  return 'Unknown';
}

const rolePrefix = 'node-role.kubernetes.io/';

/** Roles the way kubectl shows them: node-role.kubernetes.io/<role> labels plus the legacy kubernetes.io/role. */
export function rolesFromLabels(labels: Record<string, string>): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(rolePrefix) && k.length > rolePrefix.length) roles.add(k.slice(rolePrefix.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

export function summarizeStatic(node: unknown): StaticPart {
  const status = obj(obj(node).status);
  const info = obj(status.nodeInfo);
  const nodeInfo: StaticPart['nodeInfo'] = {
    kubeletVersion: str(info.kubeletVersion) ?? '',
    osImage: str(info.osImage) ?? '',
    kernelVersion: str(info.kernelVersion) ?? '',
    containerRuntimeVersion: str(info.containerRuntimeVersion) ?? '',
    architecture: str(info.architecture) ?? '',
    operatingSystem: str(info.operatingSystem) ?? '',
  };
  const kp = str(info.kubeProxyVersion);
  if (kp !== undefined) nodeInfo.kubeProxyVersion = kp;
  return {
    addresses: arr(status.addresses).map((a) => {
      const o = obj(a);
      return { type: str(o.type) ?? '', address: str(o.address) ?? '' };
    }),
    capacity: stringMap(status.capacity),
    allocatable: stringMap(status.allocatable),
    nodeInfo,
  };
}

/**
 * Builds a summary. `prevStatic` is reused by reference when `reuseStatic` says so
 * (the cache decides when static attributes are due for a re-check).
 */
export function summarizeNode(
  node: unknown,
  pods: PodStats = emptyPodStats(),
  staticPart?: StaticPart,
): NodeSummary {
  const o = obj(node);
  const meta = obj(o.metadata);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const labels = stringMap(meta.labels);
  const conds = conditions(status.conditions);
  const summary: NodeSummary = {
    name: str(meta.name) ?? '',
    uid: str(meta.uid) ?? '',
    resourceVersion: str(meta.resourceVersion) ?? '',
    creationTimestamp: str(meta.creationTimestamp) ?? '',
    labels,
    annotations: stringMap(meta.annotations),
    taints: taints(spec.taints),
    unschedulable: spec.unschedulable === true,
    status: readyStatus(conds),
    conditions: conds,
    roles: rolesFromLabels(labels),
    static: staticPart ?? summarizeStatic(node),
    pods,
  };
  const cidr = str(spec.podCIDR);
  if (cidr) summary.podCIDR = cidr;
  return summary;
}

export function nodeName(node: unknown): string {
  return str(obj(obj(node).metadata).name) ?? '';
}

export function resourceVersionOf(o: unknown): string {
  return str(obj(obj(o).metadata).resourceVersion) ?? '';
}
