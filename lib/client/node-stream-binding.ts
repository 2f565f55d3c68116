import type { QueryClient } from '@tanstack/react-query';
import type { ClusterInfo, NodeListResponse } from '@/lib/protocol/api';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import { applyNodeEvents } from './apply-node-event';
import { Coalescer } from './coalescer';
import { applyOperationProgress, type OperationStatus } from './operation';
import { queryKeys } from './query-keys';
import type { StreamClient } from './stream-client';

export interface BindingOptions {
  /** pushed events are coalesced for this long, so a burst costs one cache write and one render */
  flushMs?: number;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  /** names of nodes changed by pushed events (for row flashing) */
  onNodesChanged?: (cluster: string, names: string[]) => void;
  onStreamError?: (message: string) => void;
  /** a subscription was (re)established: earlier errors no longer apply */
  onSubscribed?: (cluster: string) => void;
}

/**
 * Routes stream events into React Query: node events patch ['nodes', cluster] through applyNodeEvents
 * (and the open node detail), a resync or seq gap invalidates the list so it refetches, and
 * operation_progress folds into ['operation', id]. Framework-free so it is tested with a real QueryClient.
 */
export function bindStreamToQueries(
  qc: QueryClient,
  client: StreamClient,
  opts: BindingOptions = {},
): () => void {
  const schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  const cancel = opts.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const pending = new Map<string, NodeEventMessage[]>();

  const flush = () => {
    for (const [cluster, events] of pending) {
      qc.setQueryData<NodeListResponse>(queryKeys.nodes(cluster), (list) =>
        list ? applyNodeEvents(list, events) : list,
      );
      for (const name of new Set(events.map((e) => e.node_name))) {
        const key = queryKeys.node(cluster, name);
        if (!qc.getQueryCache().find({ queryKey: key, exact: true })) continue;
        const last = events.findLast((e) => e.node_name === name)!;
        if (last.type !== 'node_delete')
          qc.setQueryData<{ summary: unknown }>(key, (d) => (d ? { ...d, summary: last.data } : d));
        // an open node page also shows pods, events and the object, which the summary does not carry:
        // any pushed change to its node (pods evicted, conditions, cordon) refetches them
        void qc.invalidateQueries({ queryKey: key, exact: true, refetchType: 'active' });
      }
      opts.onNodesChanged?.(
        cluster,
        events.map((e) => e.node_name),
      );
    }
    pending.clear();
  };
  const batch = new Coalescer(flush, { schedule: (fn) => schedule(fn, opts.flushMs ?? 50), cancel });

  const off = client.onEvent((e) => {
    if (e.type === 'resync') {
      pending.delete(e.cluster);
      void qc.invalidateQueries({ queryKey: queryKeys.nodes(e.cluster) });
    } else if (e.type === 'protocol_error') {
      opts.onStreamError?.(e.error);
    } else if (e.type === 'message') {
      const m = e.message;
      if (m.type === 'node_add' || m.type === 'node_update' || m.type === 'node_delete') {
        const list = pending.get(m.cluster_name) ?? [];
        list.push(m);
        pending.set(m.cluster_name, list);
        batch.poke();
      } else if (m.type === 'operation_progress') {
        qc.setQueryData<OperationStatus>(queryKeys.operation(m.data.operation_id), (prev) =>
          applyOperationProgress(prev, m),
        );
      } else if (m.type === 'cluster_status') {
        // the cluster tabs: pushed status and counts, no polling
        qc.setQueryData<ClusterInfo[]>(queryKeys.clusters, (list) =>
          list?.map((c) =>
            c.name === m.cluster_name
              ? { ...c, status: m.data.status, error: m.data.error, nodes: m.data.nodes, ready: m.data.ready }
              : c,
          ),
        );
      } else if (m.type === 'subscribed') {
        opts.onSubscribed?.(m.cluster_name);
      } else if (m.type === 'error') {
        opts.onStreamError?.(`${m.data.code}: ${m.data.message}`);
      }
    }
  });

  return () => {
    off();
    batch.cancel();
    flush();
  };
}

/**
 * Keeps the stream subscribed to one cluster from the seq of its cached list: on the current data, and
 * again after every fetch (first load, resync refetch, manual refresh), so the stream always continues
 * exactly where the list ends. setQueryData writes (pushed patches) do not resubscribe.
 */
export function followCluster(qc: QueryClient, client: StreamClient, cluster: string): () => void {
  const cache = qc.getQueryCache();
  const current = cache.find<NodeListResponse>({ queryKey: queryKeys.nodes(cluster), exact: true })?.state
    .data;
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
}
