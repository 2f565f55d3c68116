'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import { applyNodeEvents } from './apply-node-event';
import { useFlashStore } from './flash-store';
import { applyOperationProgress, type OperationStatus } from './operation';
import { queryKeys } from './query-keys';
import type { ConnectionState, StreamClient } from './stream-client';
import { acquireStreamClient, getStreamClient, releaseStreamClient } from './stream-singleton';

/** Pushed events are coalesced for this long, so a burst costs one cache write and one render. */
const FLUSH_MS = 50;

const noop = () => () => undefined;

/** The tab's shared client (null during SSR), started while any component uses it. */
export function useStreamClient(): StreamClient | null {
  const client = useSyncExternalStore(noop, getStreamClient, () => null);
  useEffect(() => {
    if (!client) return;
    acquireStreamClient();
    return () => releaseStreamClient();
  }, [client]);
  return client;
}

/** Live connection state for the header indicator ('connecting' during SSR and the first render). */
export function useConnectionState(client: StreamClient | null): ConnectionState {
  return useSyncExternalStore(
    client ? (cb) => client.onEvent((e) => e.type === 'state' && cb()) : noop,
    () => client?.getState() ?? 'connecting',
    () => 'connecting',
  );
}

/**
 * Wires the stream client into React Query for one cluster: node events patch ['nodes', cluster] through
 * applyNodeEvents; a resync or seq gap refetches the list; every fetched list (first load, resync, manual
 * refresh) resubscribes from its own seq, so the stream always continues exactly where the list ends.
 */
export function useNodeStream(cluster: string | null): ConnectionState {
  const qc = useQueryClient();
  const client = useStreamClient();
  const markFlash = useFlashStore((s) => s.mark);

  useEffect(() => {
    if (!client) return;
    const pending = new Map<string, NodeEventMessage[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      for (const [c, events] of pending) {
        qc.setQueryData<NodeListResponse>(queryKeys.nodes(c), (list) =>
          list ? applyNodeEvents(list, events) : list,
        );
        markFlash(events.map((e) => e.node_name));
        for (const e of events) {
          if (e.type !== 'node_delete') {
            qc.setQueryData(queryKeys.node(c, e.node_name), (d: { summary: unknown } | undefined) =>
              d ? { ...d, summary: e.data } : d,
            );
          }
        }
      }
      pending.clear();
    };
    const off = client.onEvent((e) => {
      if (e.type === 'resync') {
        pending.delete(e.cluster);
        void qc.invalidateQueries({ queryKey: queryKeys.nodes(e.cluster) });
      } else if (e.type === 'protocol_error') {
        console.warn('stream:', e.error);
      } else if (e.type === 'message') {
        const m = e.message;
        if (m.type === 'node_add' || m.type === 'node_update' || m.type === 'node_delete') {
          const list = pending.get(m.cluster_name) ?? [];
          list.push(m);
          pending.set(m.cluster_name, list);
          timer ??= setTimeout(flush, FLUSH_MS);
        } else if (m.type === 'operation_progress') {
          qc.setQueryData<OperationStatus>(queryKeys.operation(m.data.operation_id), (prev) =>
            applyOperationProgress(prev, m),
          );
        } else if (m.type === 'error') {
          console.warn(`stream error ${m.data.code}: ${m.data.message}`);
        }
      }
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
      flush();
    };
  }, [client, qc, markFlash]);

  useEffect(() => {
    if (!client || !cluster) return;
    const key = queryKeys.nodes(cluster);
    const cache = qc.getQueryCache();
    const current = cache.find<NodeListResponse>({ queryKey: key, exact: true })?.state.data;
    if (current) client.subscribe(cluster, current.seq);
    const unsub = cache.subscribe((ev) => {
      if (ev.type !== 'updated' || ev.action.type !== 'success' || ev.action.manual) return;
      const [scope, name] = ev.query.queryKey as readonly unknown[];
      if (scope !== 'nodes' || name !== cluster) return;
      const list = ev.query.state.data as NodeListResponse | undefined;
      if (list) client.subscribe(cluster, list.seq);
    });
    return () => {
      unsub();
      client.unsubscribe(cluster);
    };
  }, [client, cluster, qc]);

  return useConnectionState(client);
}
