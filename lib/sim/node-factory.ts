import type { KObj } from './resources';
import type { Prng } from './prng';
import { formatTime } from './store';

const zones = ['sim-zone-a', 'sim-zone-b', 'sim-zone-c'];
const instanceTypes = [
  { type: 'm5.xlarge', cpu: 4, memGi: 16 },
  { type: 'm5.2xlarge', cpu: 8, memGi: 32 },
  { type: 'c5.4xlarge', cpu: 16, memGi: 32 },
  { type: 'r5.2xlarge', cpu: 8, memGi: 64 },
];
const pools = ['general', 'general', 'general', 'compute', 'memory'];
const images: Array<[string, string, number]> = [
  ['registry.k8s.io/kube-proxy', 'v1.31.4', 30_531_234],
  ['docker.io/calico/node', 'v3.28.1', 121_409_234],
  ['docker.io/calico/cni', 'v3.28.1', 94_553_123],
  ['registry.k8s.io/coredns/coredns', 'v1.11.3', 16_948_420],
  ['quay.io/prometheus/node-exporter', 'v1.8.2', 11_932_123],
  ['docker.io/library/nginx', '1.27.3', 72_099_501],
  ['registry.k8s.io/pause', '3.10', 320_368],
  ['docker.io/grafana/promtail', '3.2.1', 87_112_334],
];

export const conditionTypes = [
  'NetworkUnavailable',
  'MemoryPressure',
  'DiskPressure',
  'PIDPressure',
  'Ready',
] as const;

export interface NodeSpecInput {
  name: string;
  index: number;
  controlPlane: boolean;
  now: number;
  rng: Prng;
  kubeletVersion?: string;
}

/** Generates a node name unique within `taken`, deterministic for a given PRNG state. */
export function nodeName(rng: Prng, controlPlane: boolean, taken: (n: string) => boolean): string {
  for (;;) {
    const n = controlPlane ? `control-plane-${rng.alnum(5)}` : `${rng.pick(pools)}-${rng.alnum(5)}`;
    if (!taken(n)) return n;
  }
}

function condition(type: string, ok: boolean, at: string): Record<string, string> {
  const reasons: Record<string, [string, string]> = {
    Ready: ['KubeletReady', 'kubelet is posting ready status'],
    MemoryPressure: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    DiskPressure: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    PIDPressure: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    NetworkUnavailable: ['CalicoIsUp', 'Calico is running on this node'],
  };
  const [reason, message] = reasons[type]!;
  const status = type === 'Ready' ? (ok ? 'True' : 'False') : ok ? 'False' : 'True';
  return {
    type,
    status,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
    reason: ok ? reason : type === 'Ready' ? 'KubeletNotReady' : reason,
    message: ok ? message : `${type} not healthy`,
  };
}

/** A realistic, KWOK-like Node object: labels, capacity, nodeInfo, conditions, addresses, managedFields and images. */
export function makeNode(input: NodeSpecInput): KObj {
  const { name, index, controlPlane, rng } = input;
  const at = formatTime(input.now);
  const it = controlPlane ? instanceTypes[1]! : rng.pick(instanceTypes);
  const arch = rng.chance(0.2) && !controlPlane ? 'arm64' : 'amd64';
  const zone = zones[index % zones.length]!;
  const n = index + 10;
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': it.type,
    'topology.kubernetes.io/region': 'sim-region-1',
    'topology.kubernetes.io/zone': zone,
  };
  if (controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  } else labels['sim.knm.dev/pool'] = name.split('-')[0]!;
  const memKi = it.memGi * 1024 * 1024 - 200_000;
  const kubeletVersion = input.kubeletVersion ?? 'v1.31.4';
  const taints = controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
      },
      managedFields: [
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: at,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:annotations': { '.': {}, 'f:node.alpha.kubernetes.io/ttl': {} },
              'f:labels': { '.': {}, 'f:kubernetes.io/hostname': {} },
            },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: at,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:status': {
              'f:conditions': { 'k:{"type":"Ready"}': { 'f:lastHeartbeatTime': {}, 'f:status': {} } },
              'f:images': {},
              'f:nodeInfo': {},
            },
          },
          subresource: 'status',
        },
      ],
    },
    spec: {
      podCIDR: `10.244.${index % 256}.0/24`,
      podCIDRs: [`10.244.${index % 256}.0/24`],
      providerID: `sim://${zone}/${name}`,
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity: {
        cpu: String(it.cpu),
        'ephemeral-storage': '101430960Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${it.memGi * 1024 * 1024}Ki`,
        pods: '110',
      },
      allocatable: {
        cpu: `${it.cpu * 1000 - 100}m`,
        'ephemeral-storage': '93478772582',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${memKi}Ki`,
        pods: '110',
      },
      conditions: conditionTypes.map((t) => condition(t, true, at)),
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: rng.hex(32),
        systemUUID: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
        bootID: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
        kernelVersion:
          arch === 'arm64' ? '6.1.112-124.190.amzn2023.aarch64' : '6.1.112-124.190.amzn2023.x86_64',
        osImage: 'Ubuntu 22.04.5 LTS',
        containerRuntimeVersion: 'containerd://1.7.23',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        operatingSystem: 'linux',
        architecture: arch,
      },
      images: images.map(([repo, tag, size]) => ({
        names: [`${repo}@sha256:${rng.hex(64)}`, `${repo}:${tag}`],
        sizeBytes: size,
      })),
    },
  };
}

/** Recomputes a node's condition list for a Ready flip (only Ready changes; heartbeat untouched). */
export function setReadyCondition(node: KObj, ready: boolean, nowIso: string): void {
  const status = node.status as { conditions?: Array<Record<string, string>> } | undefined;
  const conds = status?.conditions;
  if (!conds) return;
  const c = conds.find((x) => x.type === 'Ready');
  if (!c) return;
  const want = ready ? 'True' : 'False';
  if (c.status === want) return;
  c.status = want;
  c.lastTransitionTime = nowIso;
  c.lastHeartbeatTime = nowIso;
  c.reason = ready ? 'KubeletReady' : 'KubeletNotReady';
  c.message = ready
    ? 'kubelet is posting ready status'
    : 'container runtime network not ready: NetworkReady=false';
}
