import type { Logger } from 'pino';
import type { ServerMessage } from '@/lib/protocol/messages';
import type { NodeChange } from '@/lib/realtime/types';
import type { ClientIndex, ClientState } from './client-index';
import { SharedFrame, changeFrame, sseEventId } from './frames';
import { CloseCode, type Transport } from './types';

export interface FanoutCounters {
  messagesSent: number;
  bytesSent: number;
  slowConsumersDropped: number;
}

/** The same counts split by transport (for metrics); bytes are string lengths, as in FanoutCounters. */
export type TransportCounters = Record<Transport, FanoutCounters>;

/**
 * Delivery to individual clients: picks the transport's shared frame, never sends a change at or
 * below the client's resume seq, and drops a client whose buffer passes the limit (4008) instead of
 * ever waiting for it.
 */
export class Fanout {
  readonly counters: FanoutCounters = { messagesSent: 0, bytesSent: 0, slowConsumersDropped: 0 };
  readonly byTransport: TransportCounters = {
    ws: { messagesSent: 0, bytesSent: 0, slowConsumersDropped: 0 },
    sse: { messagesSent: 0, bytesSent: 0, slowConsumersDropped: 0 },
  };

  constructor(
    private readonly index: ClientIndex,
    private readonly maxBufferedBytes: number,
    private readonly logger?: Pick<Logger, 'warn' | 'debug'>,
  ) {}

  /** Sends a node change unless the client already has it; advances its resume seq. */
  change(state: ClientState, change: NodeChange, checkSlow: boolean): boolean {
    const last = state.clusters.get(change.cluster);
    if (last === undefined || change.seq <= last) return false;
    state.clusters.set(change.cluster, change.seq);
    return this.frame(state, changeFrame(change), checkSlow);
  }

  /** Sends one frame; returns whether it was sent. */
  frame(state: ClientState, frame: SharedFrame, checkSlow: boolean): boolean {
    if (state.closed) return false;
    let text: string;
    if (state.client.transport === 'ws') text = frame.json;
    else if (frame.resume && state.clusters.size > 1) text = `id: ${compositeId(state)}\n${frame.sseBody}`;
    else text = frame.sse;
    try {
      state.client.send(text);
    } catch (err) {
      this.logger?.warn({ err, clientId: state.client.id }, 'push send failed; dropping client');
      this.close(state, 1011, 'send failed');
      return false;
    }
    const t = this.byTransport[state.client.transport];
    this.counters.messagesSent++;
    this.counters.bytesSent += text.length;
    t.messagesSent++;
    t.bytesSent += text.length;
    if (checkSlow && state.client.bufferedAmount() > this.maxBufferedBytes) {
      this.counters.slowConsumersDropped++;
      t.slowConsumersDropped++;
      this.logger?.warn(
        { clientId: state.client.id, user: state.client.principal.username },
        'slow push consumer dropped',
      );
      this.close(state, CloseCode.slowConsumer, 'client too slow');
    }
    return true;
  }

  /** A message built for one client (acks, errors). */
  message(state: ClientState, message: ServerMessage): void {
    this.frame(state, new SharedFrame(message), true);
  }

  /** Same frame to every subscriber of a cluster; returns recipients. */
  toCluster(cluster: string, frame: SharedFrame): number {
    const set = this.index.subscribers(cluster);
    if (!set) return 0;
    let sent = 0;
    for (const state of set) if (this.frame(state, frame, true)) sent++;
    return sent;
  }

  /** Forgets the client first (no more frames), then closes its transport. */
  close(state: ClientState, code: number, reason: string): void {
    if (state.closed) return;
    this.index.remove(state.client.id);
    try {
      state.client.close(code, reason);
    } catch (err) {
      this.logger?.debug({ err }, 'push client close failed');
    }
  }
}

/** SSE id of a multi-cluster stream: every cluster's resume point, `a:41,b:7`. */
function compositeId(state: ClientState): string {
  const parts: string[] = [];
  for (const [cluster, seq] of state.clusters) parts.push(sseEventId(cluster, seq));
  return parts.join(',');
}
