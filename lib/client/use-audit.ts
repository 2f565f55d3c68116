'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AuditResult } from '@/lib/protocol/audit';
import { auditPageSchema, type AuditEntry } from '@/lib/protocol/rest';
import { apiFetch } from './api-fetch';

export type { AuditEntry };

export interface AuditFilters {
  user: string;
  cluster: string;
  action: string;
  result: '' | AuditResult;
}

export const emptyAuditFilters: AuditFilters = { user: '', cluster: '', action: '', result: '' };

/** Builds the audit query string from the non-empty filters plus the page cursor. */
export function auditQueryString(f: AuditFilters, before?: number, limit = 50): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (typeof v === 'string' && v.trim()) q.set(k, v.trim());
  q.set('limit', String(limit));
  if (before !== undefined) q.set('before', String(before));
  return q.toString();
}

/** Newest-first audit entries, paged by cursor ("Load more"). */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam, signal }) =>
      apiFetch(`/api/v1/audit?${auditQueryString(filters, pageParam)}`, auditPageSchema, { signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
