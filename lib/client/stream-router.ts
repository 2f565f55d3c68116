import type { ServerMessage } from '@/lib/protocol/messages';
import { parseServerMessage } from './parse-server-message';
import type { SeqTracker } from './seq-tracker';
import type { StreamEvent } from './stream-types';

export interface RouterDeps {
  tracker: SeqTracker;
  emit: (e: StreamEvent) => void;
  /** the cluster's history broke (gap, server resync, restarted server): its stream must pause */
  onBroken: (cluster: string) => void;
}

/** Parses one frame; a malformed one is reported as a protocol error and dropped. */
export function parseOrReport(data: string, emit: (e: StreamEvent) => void): ServerMessage | null {
  const r = parseServerMessage(data);
  if (r.ok) return r.message;
  emit({ type: 'protocol_error', error: r.error });
  return null;
}

/**
 * Judges one server message against the per-cluster seq cursors, whatever transport it came on: node
 * events are passed on only in order (a gap means resync), a server resync or a seq that went backwards
 * (a restarted server) asks the owner to refetch; everything else is passed on as is.
 */
export function routeMessage(msg: ServerMessage, deps: RouterDeps): void {
  const { tracker, emit } = deps;
  const resync = (cluster: string, reason: string) => {
    deps.onBroken(cluster);
    emit({ type: 'resync', cluster, reason });
  };
  switch (msg.type) {
    case 'node_add':
    case 'node_update':
    case 'node_delete': {
      const verdict = tracker.accept(msg.cluster_name, msg.seq);
      if (verdict === 'apply') emit({ type: 'message', message: msg });
      else if (verdict === 'gap') resync(msg.cluster_name, `seq gap: got ${msg.seq}`);
      return;
    }
    case 'resync':
      if (tracker.has(msg.cluster_name)) {
        tracker.markResync(msg.cluster_name);
        resync(msg.cluster_name, msg.data.reason);
      }
      return;
    case 'subscribed':
      if (tracker.observeServerSeq(msg.cluster_name, msg.seq, true))
        resync(msg.cluster_name, 'server seq went backwards');
      break;
    case 'connected':
      for (const [cluster, { seq }] of Object.entries(msg.data.clusters)) {
        if (tracker.last(cluster) !== undefined && tracker.observeServerSeq(cluster, seq))
          resync(cluster, 'server seq went backwards');
      }
      break;
    default:
      break;
  }
  emit({ type: 'message', message: msg });
}
