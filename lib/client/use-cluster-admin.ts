'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiFetch } from './api-fetch';
import { queryKeys } from './query-keys';

export interface AddClusterInput {
  name: string;
  displayName?: string;
  kubeconfig: string;
  context?: string;
}

const testResultSchema = z.object({ version: z.string(), nodesListed: z.number(), latencyMs: z.number() });
const dryRunSchema = z.looseObject({ ok: z.boolean() }).and(testResultSchema.partial());
const addedSchema = z.looseObject({ name: z.string(), test: testResultSchema.optional() });

/** Connection-tests a kubeconfig without saving it (`?dryRun=true`). */
export function useTestCluster() {
  return useMutation({
    mutationFn: (body: AddClusterInput) =>
      apiFetch('/api/v1/clusters?dryRun=true', dryRunSchema, { method: 'POST', body }),
  });
}

export function useAddCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AddClusterInput) =>
      apiFetch('/api/v1/clusters', addedSchema, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryKeys.clusters }),
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
