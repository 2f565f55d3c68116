'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { IdentityMode } from '@/lib/protocol/identity';
import { clusterAddedSchema, clusterDryRunSchema } from '@/lib/protocol/rest';
import { apiFetch } from './api-fetch';
import { queryKeys } from './query-keys';

export interface AddClusterInput {
  name: string;
  displayName?: string;
  kubeconfig: string;
  context?: string;
  identityMode?: IdentityMode;
}

/** Connection-tests a kubeconfig without saving it (`?dryRun=true`). */
export function useTestCluster() {
  return useMutation({
    mutationFn: (body: AddClusterInput) =>
      apiFetch('/api/v1/clusters?dryRun=true', clusterDryRunSchema, { method: 'POST', body }),
  });
}

export function useAddCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AddClusterInput) =>
      apiFetch('/api/v1/clusters', clusterAddedSchema, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.clusters }),
  });
}

/** Switches whose identity the cluster sees (shared, impersonate, oidc-token). */
export function useSetIdentityMode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, identityMode }: { name: string; identityMode: IdentityMode }) =>
      apiFetch(`/api/v1/clusters/${encodeURIComponent(name)}`, z.unknown(), {
        method: 'PATCH',
        body: { identityMode },
      }),
    onSuccess: (_r, { name }) => {
      qc.removeQueries({ queryKey: queryKeys.permissions(name) });
      return qc.invalidateQueries({ queryKey: queryKeys.clusters });
    },
  });
}

export function useRemoveCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      apiFetch(`/api/v1/clusters/${encodeURIComponent(name)}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: (_r, name) => {
      qc.removeQueries({ queryKey: queryKeys.nodes(name) });
      return qc.invalidateQueries({ queryKey: queryKeys.clusters });
    },
  });
}
