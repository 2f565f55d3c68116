import type { ChangeKind, NodeSummary } from '@/lib/protocol/node-summary';
import { ChangeLog } from '@/lib/realtime/change-log';
import type { ChangeSource, ManagerEvent, NodeChange, ReplayResult } from '@/lib/realtime/types';

/** A NodeSummary with realistic size (about 1.5 KB of JSON) for push tests and benchmarks. */
export function fakeNodeSummary(name: string, labels: Record<string, string> = {}, rv = '1'): NodeSummary {
  return {
    name,
    uid: `uid-${name}`,
    resourceVersion: rv,
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels },
    annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    taints: [],
    unschedulable: false,
    status: 'Ready',
    conditions: [
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
      { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure' },
    ],
    roles: ['worker'],
    podCIDR: '10.244.1.0/24',
    static: {
      addresses: [
        { type: 'InternalIP', address: '10.0.0.12' },
        { type: 'Hostname', address: name },
      ],
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '7800m', memory: '31Gi', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.31.2',
        osImage: 'Ubuntu 24.04 LTS',
        kernelVersion: '6.8.0-45-generic',
        containerRuntimeVersion: 'containerd://1.7.22',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
    pods: { count: 12, cpuRequestsMilli: 2350, memoryRequestsBytes: 4294967296, phases: { Running: 12 } },
  };
}

/**
 * In-memory ChangeSource for push tests and benchmarks: the hub's dependency boundary, backed by the
 * real ChangeLog so replay/too_old semantics match the manager's.
 */
export class FakeChangeSource implements ChangeSource {
  private readonly listeners = new Set<(event: ManagerEvent) => void>();
  private readonly logs = new Map<string, ChangeLog>();

  constructor(
    clusters: string[] = [],
    private readonly capacity = 1000,
    private readonly now: () => number = Date.now,
  ) {
    for (const c of clusters) this.addCluster(c);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  addCluster(cluster: string, startSeq = 0): void {
    this.logs.set(
      cluster,
      new ChangeLog({ capacity: this.capacity, maxAgeMs: 3_600_000, now: this.now }, startSeq),
    );
  }

  removeCluster(cluster: string): void {
    this.logs.delete(cluster);
    this.emit({ kind: 'cluster_removed', cluster });
  }

  /** Appends and emits a change for a node; seq is the cluster's next. */
  change(
    cluster: string,
    name: string,
    opts: { type?: NodeChange['type']; changes?: ChangeKind[]; labels?: Record<string, string> } = {},
  ): NodeChange {
    const log = this.logs.get(cluster);
    if (!log) throw new Error(`unknown cluster ${cluster}`);
    const seq = log.lastSeq + 1;
    const change: NodeChange = {
      cluster,
      seq,
      type: opts.type ?? 'node_update',
      name,
      resourceVersion: String(1000 + seq),
      changes: opts.changes ?? ['labels'],
      node: fakeNodeSummary(name, opts.labels, String(1000 + seq)),
      at: this.now(),
    };
    log.append(change);
    this.emit({ kind: 'change', change });
    return change;
  }

  resync(cluster: string, reason: string): void {
    const log = this.logs.get(cluster);
    if (!log) return;
    const seq = log.lastSeq + 1;
    log.reset(seq);
    this.emit({ kind: 'resync', cluster, seq, reason });
  }

  subscribe(listener: (event: ManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasCluster(cluster: string): boolean {
    return this.logs.has(cluster);
  }

  currentSeq(cluster: string): number {
    return this.logs.get(cluster)?.lastSeq ?? 0;
  }

  changesSince(cluster: string, seq: number): ReplayResult {
    const log = this.logs.get(cluster);
    if (!log) return { ok: false, reason: 'unknown_cluster' };
    return log.since(seq);
  }

  private emit(event: ManagerEvent): void {
    for (const l of this.listeners) l(event);
  }
}
