/** Raw Node/Pod JSON builders for unit tests and benchmarks (shaped like watch payloads). */

export interface NodeFixtureOptions {
  name: string;
  rv?: string | number;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown';
  heartbeat?: string;
  ip?: string;
  cpu?: string;
  memory?: string;
  kubelet?: string;
  created?: string;
}

export function rawNode(o: NodeFixtureOptions): Record<string, unknown> {
  const hb = o.heartbeat ?? '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.name,
      uid: o.uid ?? `uid-${o.name}`,
      resourceVersion: String(o.rv ?? 1),
      creationTimestamp: o.created ?? '2025-06-01T00:00:00Z',
      labels: o.labels ?? { 'kubernetes.io/hostname': o.name },
      annotations: o.annotations ?? {},
      managedFields: [{ manager: 'kubelet', operation: 'Update', time: hb }],
    },
    spec: {
      podCIDR: '10.0.0.0/24',
      ...(o.taints ? { taints: o.taints } : {}),
      ...(o.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity: { cpu: o.cpu ?? '8', memory: o.memory ?? '32Gi', pods: '110' },
      allocatable: { cpu: o.cpu ?? '8', memory: o.memory ?? '32Gi', pods: '110' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'ok',
          lastHeartbeatTime: hb,
          lastTransitionTime: '2025-06-01T00:00:00Z',
        },
        {
          type: 'Ready',
          status: o.ready ?? 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: hb,
          lastTransitionTime: '2025-06-01T00:00:00Z',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: o.ip ?? '10.0.0.1' },
        { type: 'Hostname', address: o.name },
      ],
      nodeInfo: {
        kubeletVersion: o.kubelet ?? 'v1.31.2',
        kubeProxyVersion: o.kubelet ?? 'v1.31.2',
        osImage: 'Ubuntu 24.04',
        kernelVersion: '6.8.0',
        containerRuntimeVersion: 'containerd://1.7.22',
        architecture: 'amd64',
        operatingSystem: 'linux',
        machineID: 'm',
        systemUUID: 's',
        bootID: 'b',
      },
      images: [{ names: ['registry.k8s.io/pause:3.9'], sizeBytes: 1000 }],
    },
  };
}

export function rawPod(o: {
  name: string;
  namespace?: string;
  node?: string;
  phase?: string;
  cpu?: string;
  memory?: string;
  rv?: string | number;
}): Record<string, unknown> {
  return {
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'default',
      uid: `pod-${o.name}`,
      resourceVersion: String(o.rv ?? 1),
    },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      containers: [
        { name: 'c', resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '128Mi' } } },
      ],
    },
    status: { phase: o.phase ?? 'Running' },
  };
}
