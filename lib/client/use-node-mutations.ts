'use client';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { NodeListResponse } from '@/lib/protocol/api';
import { batchPreviewResponseSchema } from '@/lib/protocol/operations';
import type { NodeSummary, Taint } from '@/lib/protocol/node-summary';
import { findNodeIndex, isOlderResourceVersion } from './apply-node-event';
import { apiFetch } from './api-fetch';
import { nodeResponse, type NodeDetail } from '@/lib/protocol/rest';
import { operationStartedSchema, type OperationStatus } from './operation';
import { queryKeys } from './query-keys';
import { clusterNodesPath } from './use-nodes';
import { beginOwnEdit, endOwnEdit, markOwnWindow } from './own-edits';

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
/** Actions answered with the written node; drain is long-running and answers with an operation. */
export type NodeEditAction =
  | { kind: 'labels'; params: LabelEdit }
  | { kind: 'taints'; params: TaintEdit }
  | { kind: 'cordon'; params: { reason?: string } }
  | { kind: 'uncordon'; params: Record<string, never> };
export type NodeAction = NodeEditAction | { kind: 'drain'; params: DrainOptions };

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
    // the pushed echo of this edit is ours, not "changed by someone else" (node-toasts)
    onMutate: ({ node }) => beginOwnEdit(cluster, node),
    onSettled: (r, _err, { node }) => endOwnEdit(cluster, node, r?.node.resourceVersion),
    mutationFn: ({ node, action }: { node: string; action: NodeEditAction }) =>
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

/** Drains one node: the server runs it as a one-node operation whose progress is pushed. */
export function useDrainNode(cluster: string) {
  const qc = useQueryClient();
  return useMutation({
    onMutate: ({ node }) => markOwnWindow(cluster, node),
    mutationFn: ({ node, options }: { node: string; options: DrainOptions }) =>
      apiFetch(`${clusterNodesPath(cluster)}/${encodeURIComponent(node)}/drain`, operationStartedSchema, {
        method: 'POST',
        body: options,
      }),
    onSuccess: (r) => seedOperation(qc, r),
  });
}

function seedOperation(qc: QueryClient, r: { id: string; operation?: OperationStatus }): void {
  // progress messages may already have arrived: keep the furthest counters of the latest attempt
  const next = r.operation;
  if (next)
    qc.setQueryData<OperationStatus>(queryKeys.operation(r.id), (prev) => {
      if (!prev) return next;
      const [a, b] = [prev.attempt ?? 1, next.attempt ?? 1];
      return a > b || (a === b && prev.done >= next.done) ? prev : next;
    });
}

export interface BatchRequest {
  action: NodeAction;
  nodes?: string[];
  selector?: string;
  concurrency?: number;
  maxUnavailable?: number;
  stopAfterFailures?: number;
}

const batchBody = (r: BatchRequest) => ({
  kind: r.action.kind,
  nodes: r.nodes,
  selector: r.selector,
  params: r.action.params,
  concurrency: r.concurrency,
  maxUnavailable: r.maxUnavailable,
  stopAfterFailures: r.stopAfterFailures,
});

/** The dry run of a batch: the nodes it would affect and which are cordoned already (nothing changes). */
export function useBatchPreview(cluster: string) {
  return useMutation({
    mutationFn: (r: BatchRequest) =>
      apiFetch(
        `/api/v1/clusters/${encodeURIComponent(cluster)}/operations/preview`,
        batchPreviewResponseSchema,
        {
          method: 'POST',
          body: batchBody(r),
        },
      ).then((x) => x.preview),
  });
}

/** Starts a batch operation; progress arrives as operation_progress into ['operation', id]. */
export function useBatchOperation(cluster: string) {
  const qc = useQueryClient();
  return useMutation({
    onSuccess: (r) => seedOperation(qc, r),
    mutationFn: (r: BatchRequest) =>
      apiFetch(`/api/v1/clusters/${encodeURIComponent(cluster)}/operations`, operationStartedSchema, {
        method: 'POST',
        body: batchBody(r),
      }),
  });
}

/** Stops a running operation: nodes not yet started are skipped, running ones are aborted. */
/** Retries the nodes an interrupted (or cancelled) operation did not finish; any replica takes it over. */
export function useRetryOperation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/v1/operations/${encodeURIComponent(id)}/retry`, operationStartedSchema, {
        method: 'POST',
      }),
    onSuccess: (r) => seedOperation(qc, r),
  });
}

export function useCancelOperation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/v1/operations/${encodeURIComponent(id)}/cancel`, operationStartedSchema, {
        method: 'POST',
      }),
    onSuccess: (r) => seedOperation(qc, r),
  });
}
