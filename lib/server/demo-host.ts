import { networkInterfaces } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { DEMO_CLUSTER_NAME, type ClusterService } from '@/lib/clusters/cluster-service';
import { startSimulator, type Simulator } from '@/lib/sim';

/** pg_try_advisory_lock key of "who hosts the demo simulator" (per database, so per deployment). */
export const DEMO_LOCK_KEY = 7_265_880_001;

export interface DemoHostOptions {
  databaseUrl: string;
  clusters: ClusterService;
  logger: Pick<Logger, 'info' | 'warn'>;
  demo: { nodes: number; churn: boolean };
  /** where the simulator listens and the other replicas connect */
  host: string;
  port: number;
  /** how often a replica tries for the lock (and the holder checks its lock connection) */
  pollMs?: number;
  instanceId: string;
}

export interface DemoHostStatus {
  hosting: boolean;
  url?: string;
}

/** This machine's first non-internal IPv4 address (a pod's IP), else loopback. */
export function defaultDemoHost(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/**
 * Under PostgreSQL the built-in demo cluster runs once: the replica holding a session advisory lock
 * runs the simulator and writes its endpoint into the demo cluster's row, which every replica then
 * connects to like any registered cluster. The lock lives on its own connection, so it is released
 * the moment the holder dies (or its connection does); another replica takes it on its next poll,
 * starts a fresh simulator with the same seed (same node names) and moves the endpoint: every
 * replica's informers restart against it and their clients get `resync`.
 */
export class DemoHost {
  private client?: pg.Client;
  private sim?: Simulator;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: DemoHostOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 2_000);
    this.timer.unref();
    void this.tick();
  }

  status(): DemoHostStatus {
    return { hosting: this.sim !== undefined, ...(this.sim ? { url: this.sim.url } : {}) };
  }

  /** One attempt: take the lock if free, keep the endpoint current, or step down. Never rejects. */
  tick(): Promise<void> {
    this.ticking ??= this.round().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.dropLock('shutting down');
  }

  private async round(): Promise<void> {
    if (this.closed) return;
    try {
      const row = await this.opts.clusters.get(DEMO_CLUSTER_NAME);
      if (row?.kind !== 'demo') {
        if (this.sim) await this.dropLock('the demo cluster was removed');
        return;
      }
      const client = await this.lockClient();
      if (!this.sim) {
        const { rows } = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1) AS locked',
          [DEMO_LOCK_KEY],
        );
        if (rows[0]?.locked) await this.host();
        return;
      }
      await client.query('SELECT 1'); // the lock is only as alive as this connection
      if (row.server !== this.sim.url)
        await this.opts.clusters.setDemoEndpoint(this.sim.kubeconfig(), this.sim.url);
    } catch (err) {
      this.opts.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'demo host round failed',
      );
      await this.dropLock('demo lock state unknown');
    }
  }

  private async host(): Promise<void> {
    const { demo, host, port } = this.opts;
    this.sim = await startSimulator({
      nodes: demo.nodes,
      podsPerNode: 4,
      seed: 42,
      churn: demo.churn ? {} : false,
      host,
      port,
    });
    this.opts.logger.info(
      { url: this.sim.url, nodes: demo.nodes, instanceId: this.opts.instanceId },
      'this replica hosts the demo cluster simulator',
    );
    await this.opts.clusters.setDemoEndpoint(this.sim.kubeconfig(), this.sim.url);
  }

  private async stepDown(reason: string): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    this.sim = undefined;
    this.opts.logger.info({ reason }, 'demo cluster simulator stopped on this replica');
    await sim.close();
  }

  /** Stops hosting and ends the lock connection: that surely releases the (reentrant) session lock. */
  private async dropLock(reason: string): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await this.stepDown(reason);
    await client?.end().catch(() => undefined);
  }

  private async lockClient(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: `knm-demo:${this.opts.instanceId}`.slice(0, 63),
      keepAlive: true,
      connectionTimeoutMillis: 5_000,
    });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      // another replica may take the lock now: never serve a second demo beside it
      void this.stepDown('demo lock connection lost');
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    this.client = client;
    return client;
  }
}
