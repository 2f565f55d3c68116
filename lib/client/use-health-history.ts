'use client';
import { useQuery } from '@tanstack/react-query';
import { healthHistorySchema } from '@/lib/protocol/health';
import { apiFetch } from './api-fetch';
import { queryKeys } from './query-keys';

/** The health page's 15-minute window, refetched at the server's sample interval. */
export function useHealthHistory() {
  return useQuery({
    queryKey: queryKeys.healthHistory,
    queryFn: ({ signal }) => apiFetch('/api/v1/health/history', healthHistorySchema, { signal }),
    refetchInterval: (q) => (q.state.data?.intervalSeconds ?? 5) * 1000,
    staleTime: 0,
  });
}
