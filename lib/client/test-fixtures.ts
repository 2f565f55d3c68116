import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { NodeRow } from '@/lib/protocol/window';
import { toNodeRow } from '@/lib/shared/node-row';

/** Test-only builders for node summaries, lists and pushed events. */
export function makeNode(name: string, over: Partial<NodeSummary> = {}): NodeSummary {
  return {
    name,
    uid: `uid-${name}`,
    resourceVersion: '1',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { 'kubernetes.io/hostname': name },
    annotations: {},
    taints: [],
    unschedulable: false,
    status: 'Ready',
    conditions: [{ type: 'Ready', status: 'True' }],
    roles: ['worker'],
    static: {
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3900m', memory: '15Gi', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.31.2',
        osImage: 'Ubuntu 24.04',
        kernelVersion: '6.8.0',
        containerRuntimeVersion: 'containerd://1.7.22',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
    },
    pods: { count: 10, cpuRequestsMilli: 1000, memoryRequestsBytes: 2 * 1024 ** 3, phases: { Running: 10 } },
    ...over,
  };
}

export function makeList(names: string[], seq = 10, cluster = 'c1'): NodeListResponse {
  return {
    cluster,
    seq,
    source: 'cache',
    synced: true,
    total: names.length,
    items: names.map((n) => makeNode(n)),
  };
}

export function makeEvent(
  type: NodeEventMessage['type'],
  name: string,
  seq: number,
  over: Partial<NodeSummary> = {},
  cluster = 'c1',
): NodeEventMessage {
  const data = makeNode(name, over);
  return {
    type,
    cluster_name: cluster,
    node_name: name,
    seq,
    resource_version: data.resourceVersion,
    changes: [],
    timestamp: '2026-01-01T00:00:00Z',
    data,
  };
}

/** A table row as a window pushes it, projected from makeNode's summary. */
export function makeRow(name: string, over: Partial<NodeRow> = {}): NodeRow {
  return { ...toNodeRow(makeNode(name)), ...over };
}
