'use client';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  MAX_USAGE_NAMES,
  nodeUsageHistorySchema,
  nodeUsageResponseSchema,
  USAGE_SAMPLE_SECONDS,
} from '@/lib/protocol/node-usage';
import { apiFetch } from './api-fetch';
import { queryKeys } from './query-keys';

const refetchMs = USAGE_SAMPLE_SECONDS * 1000;

/**
 * Usage of the nodes on screen, refetched at the server's sample interval. The names are sorted so
 * scrolling back to the same rows hits the same cache entry; the previous answer stays shown while
 * the next one loads.
 */
export function useNodeUsage(cluster: string | null, names: readonly string[]) {
  const sorted = [...names].sort().slice(0, MAX_USAGE_NAMES);
  return useQuery({
    queryKey: queryKeys.nodeUsage(cluster ?? '', sorted),
    queryFn: ({ signal }) =>
      apiFetch(
        `/api/v1/clusters/${encodeURIComponent(cluster ?? '')}/node-usage?names=${sorted.map(encodeURIComponent).join(',')}`,
        nodeUsageResponseSchema,
        { signal },
      ),
    enabled: cluster !== null && sorted.length > 0,
    refetchInterval: refetchMs,
    placeholderData: keepPreviousData,
    staleTime: refetchMs / 2,
  });
}

/** A node's sampled hour for the charts; asking keeps the server sampling it. */
export function useNodeUsageHistory(cluster: string, node: string) {
  return useQuery({
    queryKey: queryKeys.nodeUsageHistory(cluster, node),
    queryFn: ({ signal }) =>
      apiFetch(
        `/api/v1/clusters/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(node)}/usage-history`,
        nodeUsageHistorySchema,
        { signal },
      ),
    refetchInterval: refetchMs,
    staleTime: 0,
  });
}
