'use client';
import { useQuery } from '@tanstack/react-query';
import { nodeListResponseSchema, type NodeListResponse } from '@/lib/protocol/api';
import { clustersResponse, nodeDetailSchema, operationResponse } from '@/lib/protocol/rest';
import { apiFetch } from './api-fetch';
import { isFinished } from './operation';
import { queryKeys } from './query-keys';

const enc = encodeURIComponent;

export function clusterNodesPath(cluster: string): string {
  return `/api/v1/clusters/${enc(cluster)}/nodes`;
}

export function useClusters() {
  return useQuery({
    queryKey: queryKeys.clusters,
    queryFn: async ({ signal }) => (await apiFetch('/api/v1/clusters', clustersResponse, { signal })).items,
    // status and counts are pushed (`cluster_status`, node-stream-binding): no polling
  });
}

export async function fetchNodeList(cluster: string, signal?: AbortSignal): Promise<NodeListResponse> {
  // the server lists in natural name order (lib/shared/collation.ts), the order apply-node-event keeps
  return apiFetch(clusterNodesPath(cluster), nodeListResponseSchema, { signal });
}

/** The full node list; kept current by useNodeStream, so it never goes stale on its own. */
export function useNodes(cluster: string | null) {
  return useQuery({
    queryKey: queryKeys.nodes(cluster ?? ''),
    queryFn: ({ signal }) => fetchNodeList(cluster!, signal),
    enabled: cluster !== null,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useNodeDetail(cluster: string | null, node: string | null) {
  return useQuery({
    queryKey: queryKeys.node(cluster ?? '', node ?? ''),
    queryFn: ({ signal }) =>
      apiFetch(`${clusterNodesPath(cluster!)}/${enc(node!)}`, nodeDetailSchema, { signal }),
    enabled: cluster !== null && node !== null,
    staleTime: 10_000,
  });
}

/** Batch operation status; pushed operation_progress patches it, a poll covers a missed message. */
export function useOperation(id: string | null) {
  return useQuery({
    queryKey: queryKeys.operation(id ?? ''),
    queryFn: ({ signal }) => apiFetch(`/api/v1/operations/${enc(id!)}`, operationResponse, { signal }),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && isFinished(q.state.data) ? false : 3_000),
  });
}
