import type { IncomingMessage } from 'node:http';
import type { ObjectFormat } from './http/format';
import { type KObj, type ResourceDef } from './resources';
import type { ListResult, StoreEntry } from './store';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, description: string, priority = 0, format = '', type = 'string'): Column => ({
  name,
  type,
  format,
  description,
  priority,
});
const nameCol = col(
  'Name',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'name',
);
const ageCol = col(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

/** Go's duration.HumanDuration, as used for the Age column. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(obj: KObj, now: number): string {
  const ts = obj.metadata.creationTimestamp;
  return ts ? humanDuration(now - Date.parse(ts)) : '<unknown>';
}

type Node = KObj & {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    addresses?: Array<{ type: string; address: string }>;
    nodeInfo?: Record<string, string>;
  };
};

export function nodeStatusText(n: Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  if (n.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

export function nodeRoles(n: KObj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

const nodeColumns: Column[] = [
  nameCol,
  col('Status', 'The status of the node'),
  col('Roles', 'The roles of the node'),
  ageCol,
  col('Version', 'Kubelet Version reported by the node.'),
  col('Internal-IP', 'List of internal IPs for the node.', 1),
  col('External-IP', 'List of external IPs for the node.', 1),
  col(
    'OS-Image',
    'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
    1,
  ),
  col(
    'Kernel-Version',
    "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    1,
  ),
  col(
    'Container-Runtime',
    'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
    1,
  ),
];

function nodeCells(o: KObj, now: number): unknown[] {
  const n = o as Node;
  const addr = (t: string) =>
    n.status?.addresses
      ?.filter((a) => a.type === t)
      .map((a) => a.address)
      .join(',') || '<none>';
  const info = n.status?.nodeInfo ?? {};
  return [
    o.metadata.name,
    nodeStatusText(n),
    nodeRoles(o),
    age(o, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage ?? '<unknown>',
    info.kernelVersion ?? '<unknown>',
    info.containerRuntimeVersion ?? '<unknown>',
  ];
}

const podColumns: Column[] = [
  nameCol,
  col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'The aggregate status of the containers in this pod.'),
  col(
    'Restarts',
    'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  ),
  ageCol,
  col('IP', 'The IP address assigned to this pod.', 1),
  col('Node', 'The node this pod is assigned to.', 1),
  col('Nominated Node', 'The node this pod is nominated to.', 1),
  col('Readiness Gates', 'The readiness gates of this pod.', 1),
];

function podCells(o: KObj, now: number): unknown[] {
  const spec = (o.spec ?? {}) as { containers?: unknown[]; nodeName?: string };
  const st = (o.status ?? {}) as {
    phase?: string;
    podIP?: string;
    containerStatuses?: Array<{ ready?: boolean; restartCount?: number }>;
  };
  const total = spec.containers?.length ?? 0;
  const ready = (st.containerStatuses ?? []).filter((c) => c.ready).length;
  const restarts = (st.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0);
  const status = o.metadata.deletionTimestamp ? 'Terminating' : (st.phase ?? 'Unknown');
  return [
    o.metadata.name,
    `${ready}/${total}`,
    status,
    restarts,
    age(o, now),
    st.podIP || '<none>',
    spec.nodeName || '<none>',
    '<none>',
    '<none>',
  ];
}

const pdbColumns: Column[] = [
  nameCol,
  col('Min Available', 'The minimum number of pods that must be available.'),
  col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
  col(
    'Allowed Disruptions',
    'Calculated number of pods that may be disrupted at this time.',
    0,
    '',
    'integer',
  ),
  ageCol,
];

function pdbCells(o: KObj, now: number): unknown[] {
  const spec = (o.spec ?? {}) as { minAvailable?: unknown; maxUnavailable?: unknown };
  const st = (o.status ?? {}) as { disruptionsAllowed?: number };
  const show = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : 'N/A');
  return [
    o.metadata.name,
    show(spec.minAvailable),
    show(spec.maxUnavailable),
    st.disruptionsAllowed ?? 0,
    age(o, now),
  ];
}

const printers: Record<string, { columns: Column[]; cells(o: KObj, now: number): unknown[] }> = {
  nodes: { columns: nodeColumns, cells: nodeCells },
  pods: { columns: podColumns, cells: podCells },
  poddisruptionbudgets: { columns: pdbColumns, cells: pdbCells },
};
const defaultPrinter = {
  columns: [nameCol, { ...ageCol, name: 'Age' }],
  cells: (o: KObj, now: number) => [o.metadata.name, age(o, now)],
};

type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowJson(def: ResourceDef, e: StoreEntry, include: IncludeObject, now: number): string {
  const cells = JSON.stringify((printers[def.resource] ?? defaultPrinter).cells(e.obj, now));
  if (include === 'None') return `{"cells":${cells}}`;
  if (include === 'Object') return `{"cells":${cells},"object":${e.json}}`;
  const { managedFields: _mf, ...meta } = e.obj.metadata;
  return `{"cells":${cells},"object":${JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta })}}`;
}

/** Server-side printing (meta.k8s.io Table) with kube-apiserver's node and pod columns. */
export function tableFormat(
  include: IncludeObject,
  version: string,
  now: () => number = Date.now,
): ObjectFormat {
  const head = (def: ResourceDef, meta: string) =>
    `{"kind":"Table","apiVersion":"meta.k8s.io/${version}","metadata":${meta},"columnDefinitions":${JSON.stringify((printers[def.resource] ?? defaultPrinter).columns)},"rows":[`;
  return {
    id: `table-${include}-${version}`,
    single: (def, e) => `${head(def, `{"resourceVersion":"${e.rv}"}`)}${rowJson(def, e, include, now())}]}`,
    list(def, r: ListResult) {
      const meta = JSON.stringify({
        resourceVersion: r.resourceVersion,
        ...(r.continue ? { continue: r.continue } : {}),
        ...(r.remainingItemCount !== undefined ? { remainingItemCount: r.remainingItemCount } : {}),
      });
      const t = now();
      return `${head(def, meta)}${r.items.map((e) => rowJson(def, e, include, t)).join(',')}]}`;
    },
    event: (def, type, e) =>
      Buffer.from(
        `{"type":"${type}","object":${head(def, `{"resourceVersion":"${e.rv}"}`)}${rowJson(def, e, include, now())}]}}\n`,
      ),
  };
}

function partialJson(e: StoreEntry, version: string): string {
  const { managedFields: _mf, ...meta } = e.obj.metadata;
  return JSON.stringify({
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: meta,
  });
}

/** meta.k8s.io PartialObjectMetadata(List), as the client-go metadata client asks for. */
export function partialFormat(version: string): ObjectFormat {
  return {
    id: `partial-${version}`,
    single: (_def, e) => partialJson(e, version),
    list(_def, r: ListResult) {
      const meta = JSON.stringify({
        resourceVersion: r.resourceVersion,
        ...(r.continue ? { continue: r.continue } : {}),
      });
      return `{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/${version}","metadata":${meta},"items":[${r.items.map((e) => partialJson(e, version)).join(',')}]}`;
    },
    event: (_def, type, e) => Buffer.from(`{"type":"${type}","object":${partialJson(e, version)}}\n`),
  };
}

/** Picks the Table (or PartialObjectMetadata) format when Accept asks for it with g=meta.k8s.io (v1 or v1beta1). */
export function tableFormatFor(
  req: IncomingMessage,
  _def: ResourceDef,
  q: URLSearchParams,
): ObjectFormat | undefined {
  const accept = req.headers.accept ?? '';
  for (const part of accept.split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    const okVersion =
      params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1');
    if (!okVersion) continue;
    if (params.get('as') === 'PartialObjectMetadata' || params.get('as') === 'PartialObjectMetadataList')
      return partialFormat(params.get('v')!);
    if (params.get('as') === 'Table') {
      const inc = q.get('includeObject');
      const include: IncludeObject = inc === 'None' || inc === 'Object' ? inc : 'Metadata';
      return tableFormat(include, params.get('v')!);
    }
  }
  return undefined;
}
