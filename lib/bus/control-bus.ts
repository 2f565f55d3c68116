import type { BusMessage } from '@/lib/protocol/bus';

export type { BusMessage } from '@/lib/protocol/bus';

export interface BusDelivery {
  /** instance id of the sending replica */
  from: string;
  /** true when this replica sent it */
  local: boolean;
  /** sender's clock when it was published (epoch ms) */
  sentAt: number;
}

export type BusHandler = (msg: BusMessage, delivery: BusDelivery) => void | Promise<void>;

export interface BusStats {
  kind: 'local' | 'postgres';
  /** the listener is connected (always true in-process) */
  connected: boolean;
  published: number;
  /** messages from other replicas that were delivered here */
  received: number;
  /** received payloads that failed validation and were dropped */
  invalid: number;
  publishFailures: number;
  /** listener reconnects after the first connect */
  reconnects: number;
  lastError?: string;
}

/**
 * How replicas tell each other what changed. publish() delivers to the subscribers of every replica,
 * this one's first and synchronously (so a local effect never waits on the database). Delivery to
 * other replicas is at most once: a message can be lost while a listener reconnects, which is why
 * every consumer also has a reconcile path, run on onResync() and by its own safety-net timer.
 */
export interface ControlBus {
  readonly kind: BusStats['kind'];
  readonly instanceId: string;
  /** Never rejects: an invalid or oversized message, or a failed send, is logged and counted. */
  publish(msg: BusMessage): Promise<void>;
  subscribe(handler: BusHandler): () => void;
  /** After the listener reconnected: notifications may have been missed, so reconcile. */
  onResync(handler: () => void): () => void;
  stats(): BusStats;
  close(): Promise<void>;
}

export interface BusLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Subscriber lists shared by both buses: a throwing or rejecting handler never stops the others. */
export class BusDispatcher {
  private readonly handlers = new Set<BusHandler>();
  private readonly resyncHandlers = new Set<() => void>();

  constructor(private readonly logger?: BusLogger) {}

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onResync(handler: () => void): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  deliver(msg: BusMessage, delivery: BusDelivery): void {
    for (const handler of this.handlers) {
      try {
        const r = handler(msg, delivery);
        if (r instanceof Promise) r.catch((err: unknown) => this.failed(err, msg));
      } catch (err) {
        this.failed(err, msg);
      }
    }
  }

  resync(): void {
    for (const handler of this.resyncHandlers) {
      try {
        handler();
      } catch (err) {
        this.logger?.warn({ err }, 'bus resync handler failed');
      }
    }
  }

  clear(): void {
    this.handlers.clear();
    this.resyncHandlers.clear();
  }

  private failed(err: unknown, msg: BusMessage) {
    this.logger?.warn({ err, type: msg.type }, 'bus handler failed');
  }
}
