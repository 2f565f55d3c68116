import type { Logger } from 'pino';
import type { ChangeSource } from '@/lib/realtime/types';
import type { ClientIndex, ClientState } from './client-index';
import type { Fanout } from './fanout';
import type { HubLimits, PushStats } from './types';

/**
 * What the hub's parts share: one client index, one fan-out, one clock and the counters. hub.ts
 * owns connections and subscriptions; hub-messages.ts answers client messages, revalidation.ts
 * closes revoked principals and source-events.ts turns change-source events into frames.
 */
export interface HubCore {
  readonly source: ChangeSource;
  readonly limits: HubLimits;
  readonly index: ClientIndex;
  readonly fanout: Fanout;
  readonly counters: { rejected: number; revalidation: number; resumes: number; resyncs: number };
  readonly logger?: Pick<Logger, 'warn' | 'debug'>;
  readonly now: () => number;
}

export function isoNow(core: HubCore): string {
  return new Date(core.now()).toISOString();
}

/** An `error` message to one client (by id or state); nothing when it is gone. */
export function sendError(core: HubCore, target: string | ClientState, code: string, message: string): void {
  const state = typeof target === 'string' ? core.index.get(target) : target;
  if (state) core.fanout.message(state, { type: 'error', timestamp: isoNow(core), data: { code, message } });
}

/** Connections, deliveries and resume counts, and each subscribed cluster's seq and subscribers. */
export function hubStats(core: HubCore): PushStats {
  const { index, fanout, counters, source } = core;
  const clusters: PushStats['clusters'] = {};
  for (const cluster of index.clusterNames()) {
    const seq = source.hasCluster(cluster) ? source.currentSeq(cluster) : 0;
    clusters[cluster] = { seq, subscribers: index.subscribers(cluster)?.size ?? 0 };
  }
  return {
    connections: index.counts(),
    ...fanout.counters,
    rejectedConnections: counters.rejected,
    revalidationCloses: counters.revalidation,
    resumes: counters.resumes,
    resyncs: counters.resyncs,
    byTransport: {
      ws: { ...fanout.byTransport.ws },
      sse: { ...fanout.byTransport.sse },
    },
    clusters,
  };
}
