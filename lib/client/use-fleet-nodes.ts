'use client';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { NodeListResponse } from '@/lib/protocol/api';
import { followCluster } from './node-stream-binding';
import { queryKeys } from './query-keys';
import { useNodeStream, useStreamClient } from './use-node-stream';
import { fetchNodeList } from './use-nodes';

export interface ClusterList {
  cluster: string;
  data?: NodeListResponse;
  error: unknown;
  pending: boolean;
}

/**
 * Every named cluster's whole node list, live on the tab's one stream client: one React Query entry per
 * cluster (the same key the dashboard uses, so switching pages reuses it) and one subscription per
 * cluster on the same connection, each following its list's seq like the dashboard's single cluster.
 */
export function useFleetNodes(clusters: readonly string[]): ClusterList[] {
  const qc = useQueryClient();
  const client = useStreamClient();
  useNodeStream(null); // binds pushed events to the lists (and session end), follows no cluster itself
  const key = clusters.join('\n');
  useEffect(() => {
    if (!client || !key) return;
    const stops = key.split('\n').map((c) => followCluster(qc, client, c));
    return () => stops.forEach((stop) => stop());
  }, [client, key, qc]);
  const combine = useCallback(
    (rs: { data?: NodeListResponse; error: unknown; isPending: boolean }[]): ClusterList[] =>
      rs.map((r, i) => ({
        cluster: key.split('\n')[i]!,
        data: r.data,
        error: r.error,
        pending: r.isPending,
      })),
    [key],
  );
  return useQueries({
    queries: clusters.map((cluster) => ({
      queryKey: queryKeys.nodes(cluster),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchNodeList(cluster, signal),
      staleTime: Infinity,
      refetchOnWindowFocus: false,
    })),
    combine,
  });
}
