'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiFetch } from './api-fetch';

const roleSchema = z.enum(['admin', 'operator', 'viewer']);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  source: z.string(),
  disabled: z.boolean(),
  clusters: z.array(z.string()),
  createdAt: z.number(),
});
export type User = z.infer<typeof userSchema>;

const usersKey = ['users'] as const;

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: usersKey,
    queryFn: async ({ signal }) =>
      (await apiFetch('/api/v1/users', z.object({ items: z.array(userSchema) }), { signal })).items,
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
