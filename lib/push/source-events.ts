import { canAccessCluster } from '@/lib/auth/permissions';
import { metrics } from '@/lib/metrics/hooks';
import type { ManagerEvent } from '@/lib/realtime/types';
import type { ClusterStatusData, ClusterStatusFeed } from './cluster-status-feed';
import { SharedFrame, resyncFrame } from './frames';
import { isoNow, sendError, type HubCore } from './hub-core';
import type { WindowHub } from './windows';

/**
 * The change source's events as pushes: a change goes to the live windows and, serialized once, to
 * every subscriber of its cluster; a resync moves every subscriber's resume point; a removed
 * cluster ends its subscriptions (`unsubscribe` is the hub's, which confirms to the client).
 */
export function routeSourceEvent(
  core: HubCore,
  parts: {
    windows: WindowHub;
    statusFeed?: ClusterStatusFeed;
    unsubscribe: (clientId: string, cluster: string) => boolean;
  },
  event: ManagerEvent,
): void {
  switch (event.kind) {
    case 'change': {
      parts.statusFeed?.touch(event.change.cluster);
      parts.windows.onChange(event.change);
      const set = core.index.subscribers(event.change.cluster);
      if (!set) return;
      const t0 = performance.now();
      for (const state of set) core.fanout.change(state, event.change, true);
      metrics().pushChangeFannedOut(event.change.cluster, t0);
      return;
    }
    case 'resync': {
      parts.windows.onResync(event.cluster);
      const set = core.index.subscribers(event.cluster);
      if (!set) return;
      core.counters.resyncs += set.size;
      const frame = resyncFrame(event.cluster, event.seq, event.reason, isoNow(core));
      for (const state of set) {
        state.clusters.set(event.cluster, event.seq);
        core.fanout.frame(state, frame, true);
      }
      return;
    }
    case 'cluster_removed': {
      parts.statusFeed?.forget(event.cluster);
      parts.windows.onClusterRemoved(event.cluster);
      const set = core.index.subscribers(event.cluster);
      if (!set) return;
      for (const state of [...set]) {
        sendError(core, state, 'cluster_removed', `cluster "${event.cluster}" was removed`);
        parts.unsubscribe(state.client.id, event.cluster);
      }
      return;
    }
    case 'cluster_status':
      parts.statusFeed?.touch(event.cluster);
      return;
  }
}

/** `cluster_status` to every connection whose user may read the cluster, subscribed or not (the cluster tabs). */
export function publishClusterStatus(core: HubCore, cluster: string, data: ClusterStatusData): void {
  const frame = new SharedFrame({
    type: 'cluster_status',
    cluster_name: cluster,
    timestamp: isoNow(core),
    data,
  });
  for (const state of core.index.all())
    if (canAccessCluster(state.client.principal, cluster)) core.fanout.frame(state, frame, true);
}
