'use client';
import { useQuery } from '@tanstack/react-query';
import { clusterPermissionsSchema, type ClusterAction } from '@/lib/protocol/identity';
import { apiFetch } from './api-fetch';
import { queryKeys } from './query-keys';

/** What the cluster lets this user do (the server asks it as the user and caches the answer a minute). */
export function useClusterPermissions(cluster: string) {
  return useQuery({
    queryKey: queryKeys.permissions(cluster),
    queryFn: ({ signal }) =>
      apiFetch(`/api/v1/clusters/${encodeURIComponent(cluster)}/permissions`, clusterPermissionsSchema, {
        signal,
      }),
    staleTime: 60_000,
  });
}

/**
 * Why the cluster would refuse any of `actions`, or undefined when it would not (or has not said yet:
 * the server checks again when the action is sent).
 */
export function useClusterRefusal(cluster: string, actions: ClusterAction[]): string | undefined {
  const perms = useClusterPermissions(cluster).data;
  for (const a of actions) {
    const p = perms?.actions[a];
    if (p && !p.allowed) return p.reason ?? `the cluster denies ${a}`;
  }
  return undefined;
}
