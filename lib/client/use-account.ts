'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  createdTokenSchema,
  meSchema,
  tokensResponseSchema,
  type ApiToken,
  type Me,
} from '@/lib/protocol/rest';
import { apiFetch } from './api-fetch';

export type { ApiToken, Me };

const tokensKey = ['tokens'] as const;

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => apiFetch('/api/v1/me', meSchema, { signal }),
    staleTime: 60_000,
  });
}

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: async ({ signal }) => (await apiFetch('/api/v1/tokens', tokensResponseSchema, { signal })).items,
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; scope: 'read' | 'write'; expiresInDays?: number }) =>
      apiFetch('/api/v1/tokens', createdTokenSchema, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/v1/tokens/${encodeURIComponent(id)}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      apiFetch('/api/v1/me/password', z.unknown(), { method: 'POST', body }),
  });
}

/** "Sign out everywhere": ends every session of this user on the server, this one included. */
export function useSignOutEverywhere() {
  return useMutation({
    mutationFn: () => apiFetch('/api/v1/me/sessions', z.unknown(), { method: 'DELETE' }),
  });
}
