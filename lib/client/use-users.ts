'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { Role } from '@/lib/protocol/names';
import { userSchema, usersResponseSchema, type User } from '@/lib/protocol/rest';
import { apiFetch } from './api-fetch';

export type { Role, User };

const usersKey = ['users'] as const;

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: usersKey,
    queryFn: async ({ signal }) => (await apiFetch('/api/v1/users', usersResponseSchema, { signal })).items,
    enabled,
  });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string; role: Role; clusters: string[] }) =>
      apiFetch('/api/v1/users', userSchema, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; clusters?: string[]; disabled?: boolean }) =>
      apiFetch(`/api/v1/users/${encodeURIComponent(id)}`, z.unknown(), { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: usersKey }),
  });
}

/** "a, b ,c" → ["a","b","c"]: the cluster grants field. */
export function parseClusterList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
