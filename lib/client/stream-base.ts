import type { ServerMessage } from '@/lib/protocol/messages';
import { StatusKeeper } from './connection-status';
import { SeqTracker } from './seq-tracker';
import { parseOrReport, routeMessage } from './stream-router';
import type { Clock } from './stream-transport';
import type { ConnectionState, ConnectionStatus, StreamEvent } from './stream-types';

/**
 * What the stream client is to its owners, whatever the transport: listeners, the honest connection
 * status, per-cluster seq cursors, and the one path every received frame takes (parse, judge, emit).
 * The transports live in StreamClient.
 */
export abstract class StreamBase {
  protected readonly tracker = new SeqTracker();
  protected readonly status: StatusKeeper;
  private readonly listeners = new Set<(e: StreamEvent) => void>();

  constructor(clock: Clock) {
    this.status = new StatusKeeper(clock, (status) => this.emit({ type: 'state', status }));
  }

  getState(): ConnectionState {
    return this.status.get().state;
  }

  /** An immutable snapshot, replaced on every change (safe for useSyncExternalStore). */
  getStatus(): ConnectionStatus {
    return this.status.get();
  }

  lastSeq(cluster: string): number | undefined {
    return this.tracker.last(cluster);
  }

  isResyncing(cluster: string): boolean {
    return this.tracker.isResyncing(cluster);
  }

  onEvent(listener: (e: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cluster's history broke (gap, server resync, restarted server): its stream must pause. */
  protected abstract onBroken(cluster: string): void;

  protected emit(e: StreamEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // a listener bug must not break the stream for the other listeners
        console.error('stream listener failed', err);
      }
    }
  }

  protected parse(data: string): ServerMessage | null {
    return parseOrReport(data, (e) => this.emit(e));
  }

  protected dispatch(msg: ServerMessage): void {
    routeMessage(msg, {
      tracker: this.tracker,
      emit: (e) => this.emit(e),
      onBroken: (c) => this.onBroken(c),
    });
  }
}
