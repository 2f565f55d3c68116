'use client';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { NodeListResponse } from '@/lib/protocol/api';
import { nodeSummarySchema, type NodeSummary, type Taint } from '@/lib/protocol/node-summary';
import { findNodeIndex, isOlderResourceVersion } from './apply-node-event';
import { apiFetch } from './api-fetch';
import type { NodeDetail } from './node-detail';
import { operationStartedSchema } from './operation';
import { queryKeys } from './query-keys';
import { clusterNodesPath } from './use-nodes';

export interface LabelEdit {
  set?: Record<string, string>;
  remove?: string[];
  confirmSystem?: boolean;
}
export interface TaintEdit {
  add?: Omit<Taint, 'timeAdded'>[];
  remove?: { key: string; effect?: Taint['effect'] }[];
  confirmSystem?: boolean;
}
export interface DrainOptions {
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  force: boolean;
  gracePeriodSeconds?: number;
  timeoutSeconds: number;
}
export type NodeAction =
  | { kind: 'labels'; params: LabelEdit }
  | { kind: 'taints'; params: TaintEdit }
  | { kind: 'cordon'; params: { reason?: string } }
  | { kind: 'uncordon'; params: Record<string, never> }
  | { kind: 'drain'; params: DrainOptions };

const nodeResponse = z.object({ node: nodeSummarySchema });

/** Writes a node the server just returned into the cached list and detail (read-your-writes). */
export function writeNodeToCache(qc: QueryClient, cluster: string, node: NodeSummary): void {
  qc.setQueryData<NodeListResponse>(queryKeys.nodes(cluster), (list) => {
    if (!list) return list;
    const idx = findNodeIndex(list.items, node.name);
    if (idx < 0) return list; // the pushed add will bring it with a proper seq
    if (isOlderResourceVersion(node.resourceVersion, list.items[idx]!.resourceVersion)) return list;
    const items = list.items.slice();
    items[idx] = node;
    return { ...list, items };
  });
  qc.setQueryData<NodeDetail>(queryKeys.node(cluster, node.name), (d) => (d ? { ...d, summary: node } : d));
}

/** One action on one node; the returned summary lands in the cache before the pushed event does. */
export function useNodeAction(cluster: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ node, action }: { node: string; action: NodeAction }) =>
      apiFetch(`${clusterNodesPath(cluster)}/${encodeURIComponent(node)}/${action.kind}`, nodeResponse, {
        method: 'POST',
        body: action.params,
      }),
    onSuccess: ({ node }) => {
      writeNodeToCache(qc, cluster, node);
      void qc.invalidateQueries({ queryKey: queryKeys.node(cluster, node.name) });
    },
  });
}

export interface BatchRequest {
  action: NodeAction;
  nodes?: string[];
  selector?: string;
  concurrency?: number;
}

/** Starts a batch operation; progress arrives as operation_progress into ['operation', id]. */
export function useBatchOperation(cluster: string) {
  return useMutation({
    mutationFn: ({ action, nodes, selector, concurrency }: BatchRequest) =>
      apiFetch(`/api/v1/clusters/${encodeURIComponent(cluster)}/operations`, operationStartedSchema, {
        method: 'POST',
        body: { kind: action.kind, nodes, selector, params: action.params, concurrency },
      }),
  });
}
