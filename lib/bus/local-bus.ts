import { encodeBusEnvelope, BUS_VERSION } from '@/lib/protocol/bus';
import {
  BusDispatcher,
  type BusLogger,
  type BusMessage,
  type BusStats,
  type ControlBus,
} from './control-bus';

/**
 * The bus of a single process (embedded SQLite): the same interface and the same validation and
 * size limit as the PostgreSQL bus, so code that publishes is exercised identically, but delivery is
 * a synchronous call and nothing can be missed (onResync never fires).
 */
export class LocalBus implements ControlBus {
  readonly kind = 'local' as const;
  private readonly dispatcher: BusDispatcher;
  private readonly counters = { published: 0, publishFailures: 0 };
  private closed = false;

  constructor(
    readonly instanceId: string,
    private readonly logger?: BusLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.dispatcher = new BusDispatcher(logger);
  }

  publish(msg: BusMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    const at = this.now();
    try {
      encodeBusEnvelope({ v: BUS_VERSION, from: this.instanceId, at, msg });
    } catch (err) {
      this.counters.publishFailures++;
      this.logger?.warn({ err, type: msg.type }, 'bus message refused');
      return Promise.resolve();
    }
    this.counters.published++;
    this.dispatcher.deliver(msg, { from: this.instanceId, local: true, sentAt: at });
    return Promise.resolve();
  }

  subscribe(handler: Parameters<ControlBus['subscribe']>[0]): () => void {
    return this.dispatcher.subscribe(handler);
  }

  onResync(handler: () => void): () => void {
    return this.dispatcher.onResync(handler);
  }

  stats(): BusStats {
    return { kind: this.kind, connected: true, received: 0, invalid: 0, reconnects: 0, ...this.counters };
  }

  close(): Promise<void> {
    this.closed = true;
    this.dispatcher.clear();
    return Promise.resolve();
  }
}
