'use client';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { NodeRow } from '@/lib/protocol/window';
import { animationFrames } from './coalescer';
import { queryKeys } from './query-keys';
import { useStreamClient } from './use-node-stream';
import { WindowSubscription } from './window-subscription';
import type { WindowState } from './window-state';
import { nextWindow, TABLE_WINDOW_ID } from './window-range';

export interface NodeWindow {
  /** the held window (the previous query's while a new query's first snapshot is on its way) */
  data: WindowState | undefined;
  isPending: boolean;
  rowAt: (i: number) => NodeRow | undefined;
  onVisibleRange: (start: number, end: number) => void;
}

/**
 * A live window over one node query, for clusters too large to hold whole: the rows around what the
 * table shows, kept in React Query under ['window', cluster, query] and patched in place from the
 * pushed snapshots and diffs. Scrolling moves the window on the same connection. The first window may
 * come from the server render (HydrationBoundary): it shows at once, and the subscription's first
 * snapshot replaces it. `live: false` only reads what the server rendered (a small cluster's first
 * paint, until its whole list is in).
 */
export function useNodeWindow(
  cluster: string | null,
  query: string,
  { enabled, live }: { enabled: boolean; live: boolean },
): NodeWindow {
  const qc = useQueryClient();
  const client = useStreamClient();
  const key = queryKeys.window(cluster ?? '', query);
  const result = useQuery<WindowState>({
    queryKey: key,
    // pushed only: the data arrives through setQueryData (or the server render)
    queryFn: skipToken,
    staleTime: Infinity,
    gcTime: 30_000,
    // a new query of the same cluster shows the old rows until its snapshot (no flash of placeholders)
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === cluster ? prev : undefined),
  });
  const sub = useRef<WindowSubscription | null>(null);
  const visible = useRef<[number, number]>([0, 60]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastSent = useRef(0);

  // one subscription per cluster: a new query re-asks the same window (one request, one snapshot)
  useEffect(() => {
    if (!client || !cluster || !enabled || !live) return;
    // at most one React Query write (and table render) per frame
    const s = new WindowSubscription(
      client,
      (state) => qc.setQueryData(queryKeys.window(state.cluster, state.query), state),
      { batch: animationFrames },
    );
    sub.current = s;
    s.start();
    return () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      s.stop();
      sub.current = null;
    };
  }, [client, cluster, enabled, live, qc]);

  useEffect(() => {
    const s = sub.current;
    if (!s || !cluster || !enabled || !live) return;
    const [start, end] = visible.current;
    s.set({ id: TABLE_WINDOW_ID, cluster, query, ...nextWindow(null, start, end, true) });
    lastSent.current = Date.now();
  }, [client, cluster, query, enabled, live]);

  // scrolling: at most one request per 100 ms (the server allows 200 frames per 10 s), the last wins
  const onVisibleRange = useCallback((start: number, end: number) => {
    visible.current = [start, end];
    const s = sub.current;
    const cur = s?.current();
    if (!s || !cur) return;
    const next = nextWindow(cur, start, end, false);
    if (next.offset === cur.offset && next.limit === cur.limit) return;
    const send = () => {
      timer.current = null;
      const c = s.current();
      if (!c || sub.current !== s) return;
      const [a, b] = visible.current;
      lastSent.current = Date.now();
      s.set({ ...c, ...nextWindow(c, a, b, false) });
    };
    if (timer.current) return;
    timer.current = setTimeout(send, Math.max(0, 100 - (Date.now() - lastSent.current)));
  }, []);

  const data = enabled ? result.data : undefined;
  const rowAt = useCallback(
    (i: number) => (data && i >= data.offset ? data.rows[i - data.offset] : undefined),
    [data],
  );
  return { data, isPending: enabled && data === undefined, rowAt, onVisibleRange };
}
