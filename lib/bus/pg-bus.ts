import pg from 'pg';
import { Backoff, type BackoffOptions } from '@/lib/realtime/backoff';
import { BUS_CHANNEL, BUS_VERSION, decodeBusEnvelope, encodeBusEnvelope } from '@/lib/protocol/bus';
import {
  BusDispatcher,
  type BusLogger,
  type BusMessage,
  type BusStats,
  type ControlBus,
} from './control-bus';

export interface PgBusOptions {
  /** postgres:// URL; the listener gets its own connection (a pooled one cannot hold LISTEN) */
  url: string;
  instanceId: string;
  /** sends one NOTIFY; the app passes its pool, so publishing costs no extra connection */
  notify: (channel: string, payload: string) => Promise<void>;
  logger?: BusLogger;
  channel?: string;
  /** listener reconnect delays (default 100 ms doubling to 5 s, jittered) */
  backoff?: BackoffOptions;
  /** a `SELECT 1` on the listener this often finds a half-open connection (default 10 s) */
  healthCheckMs?: number;
  /** a health check unanswered this long means the connection is dead (default 5 s) */
  healthTimeoutMs?: number;
  now?: () => number;
}

/** sends waiting for the database; beyond this, other replicas miss messages (and reconcile) */
const MAX_QUEUED = 10_000;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The control bus on PostgreSQL LISTEN/NOTIFY. One dedicated listener connection per replica,
 * named `knm-bus:<instanceId>` in pg_stat_activity. When it drops (server restart, failover,
 * pg_terminate_backend, a half-open socket found by the health check) it reconnects with backoff,
 * LISTENs again and then fires onResync, because anything sent meanwhile was not delivered here.
 * Sends are serialized, so other replicas receive one replica's messages in the order it sent them.
 */
export class PgBus implements ControlBus {
  readonly kind = 'postgres' as const;
  readonly instanceId: string;
  private readonly channel: string;
  private readonly dispatcher: BusDispatcher;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly counters = { published: 0, received: 0, invalid: 0, publishFailures: 0, reconnects: 0 };
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private everConnected = false;
  private lastError?: string;
  private sendChain: Promise<void> = Promise.resolve();
  private queued = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private healthTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: PgBusOptions) {
    this.instanceId = opts.instanceId;
    this.channel = opts.channel ?? BUS_CHANNEL;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.channel)) throw new Error(`bad bus channel ${this.channel}`);
    this.dispatcher = new BusDispatcher(opts.logger);
    this.backoff = new Backoff({ initialMs: 100, maxMs: 5_000, ...opts.backoff });
    this.now = opts.now ?? Date.now;
  }

  /** Connects the listener; if PostgreSQL is unreachable it keeps retrying in the background. */
  async start(): Promise<void> {
    this.healthTimer = setInterval(() => void this.healthCheck(), this.opts.healthCheckMs ?? 10_000);
    this.healthTimer.unref();
    await this.connect().catch(() => this.scheduleReconnect());
  }

  publish(msg: BusMessage): Promise<void> {
    if (this.closed) return Promise.resolve();
    const at = this.now();
    let payload: string;
    try {
      payload = encodeBusEnvelope({ v: BUS_VERSION, from: this.instanceId, at, msg });
    } catch (err) {
      this.counters.publishFailures++;
      this.opts.logger?.warn({ err: errorText(err), type: msg.type }, 'bus message refused');
      return Promise.resolve();
    }
    this.counters.published++;
    this.dispatcher.deliver(msg, { from: this.instanceId, local: true, sentAt: at });
    // a database that stopped answering must not make the queue grow without bound
    if (this.queued >= MAX_QUEUED) {
      this.counters.publishFailures++;
      return Promise.resolve();
    }
    this.queued++;
    const send = this.sendChain.then(() =>
      this.opts
        .notify(this.channel, payload)
        .catch((err: unknown) => {
          this.counters.publishFailures++;
          this.lastError = errorText(err);
          this.opts.logger?.warn({ err: this.lastError, type: msg.type }, 'bus notify failed');
        })
        .finally(() => this.queued--),
    );
    this.sendChain = send;
    return send;
  }

  subscribe(handler: Parameters<ControlBus['subscribe']>[0]): () => void {
    return this.dispatcher.subscribe(handler);
  }

  onResync(handler: () => void): () => void {
    return this.dispatcher.onResync(handler);
  }

  stats(): BusStats {
    return {
      kind: this.kind,
      connected: this.client !== undefined,
      ...this.counters,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.healthTimer);
    await this.sendChain;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.dispatcher.clear();
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: `knm-bus:${this.instanceId}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    client.on('notification', (n) => {
      if (n.channel === this.channel && client === this.client) this.onNotification(n.payload ?? '');
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('listener connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (err) {
      this.lastError = errorText(err);
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoff.reset();
    if (this.everConnected) {
      this.counters.reconnects++;
      this.opts.logger?.info(
        { reconnects: this.counters.reconnects },
        'bus listener reconnected; reconciling',
      );
      this.dispatcher.resync();
    }
    this.everConnected = true;
  }

  private onNotification(payload: string): void {
    const decoded = decodeBusEnvelope(payload);
    if (!decoded.ok) {
      this.counters.invalid++;
      this.opts.logger?.warn({ error: decoded.error }, 'invalid bus payload dropped');
      return;
    }
    const { envelope } = decoded;
    if (envelope.from === this.instanceId) return; // delivered locally at publish
    this.counters.received++;
    this.dispatcher.deliver(envelope.msg, { from: envelope.from, local: false, sentAt: envelope.at });
  }

  private lost(client: pg.Client, err: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.lastError = errorText(err);
    // end() waits for the server, which a half-open socket never answers: destroy it as well
    client.end().catch(() => undefined);
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    if (this.closed) return;
    this.opts.logger?.warn({ err: this.lastError }, 'bus listener lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch(() => this.scheduleReconnect());
    }, this.backoff.next());
    this.reconnectTimer.unref();
  }

  private async healthCheck(): Promise<void> {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('listener health check timed out')),
        this.opts.healthTimeoutMs ?? 5_000,
      );
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (err) {
      this.lost(client, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
