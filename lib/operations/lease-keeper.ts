import type { OperationRunner } from './operation-runner';
import type { Operation } from './operation-state';
import type { OperationStore } from './operation-store';

export interface LeaseKeeperOptions {
  store: OperationStore;
  runner: OperationRunner;
  /** an operation whose replica died, just marked interrupted (push its progress) */
  onReaped: (op: Operation) => void;
  logger?: { warn(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
  now?: () => number;
}

/**
 * Keeps this replica's operation leases alive and collects everybody's expired ones. Every
 * lease/3 it renews the leases of the operations running here (one lost → that operation is
 * interrupted here) and marks operations whose lease expired `interrupted`, so a dead replica's
 * operation is handed over within lease + lease/3. The runner asks beforeNode() before starting a
 * node: a node starts only while at least half the lease is left, renewing first if needed, so a
 * replica that stalled past its lease never starts a node another replica may already be retrying.
 */
export class LeaseKeeper {
  private readonly renewedAt = new Map<string, number>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(private readonly opts: LeaseKeeperOptions) {
    this.now = opts.now ?? Date.now;
  }

  get intervalMs(): number {
    return Math.max(100, Math.floor(this.opts.store.leaseMs / 3));
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** For RunnerOptions.beforeNode. */
  readonly beforeNode = async (op: Operation): Promise<boolean> => {
    const key = keyOf(op);
    const at = this.renewedAt.get(key);
    // the operation was inserted or claimed just now, with a fresh lease
    if (at === undefined) {
      this.renewedAt.set(key, this.now());
      return true;
    }
    if (this.now() - at < this.opts.store.leaseMs / 2) return true;
    return this.renew(op);
  };

  /** One round: renew ours, reap expired ones. Never rejects; rounds do not overlap. */
  tick(): Promise<void> {
    this.ticking ??= this.round().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async round(): Promise<void> {
    const running = this.opts.runner.running();
    const live = new Set(running.map(keyOf));
    for (const key of this.renewedAt.keys()) if (!live.has(key)) this.renewedAt.delete(key);
    for (const op of running) {
      if (!(await this.renew(op).catch(() => true)))
        this.opts.runner.interrupt(op.id, 'this replica lost the operation lease');
    }
    try {
      for (const op of await this.opts.store.reapExpired()) {
        this.opts.logger?.info(
          { operation: op.id, cluster: op.cluster, done: op.done, total: op.total },
          'operation of a lost replica marked interrupted',
        );
        this.opts.onReaped(op);
      }
    } catch (err) {
      this.opts.logger?.warn({ err }, 'reaping expired operation leases failed');
    }
  }

  /** True when the lease is ours (renewed now); false when it is not, or cannot be proven (database down). */
  private async renew(op: Operation): Promise<boolean> {
    const issued = this.now();
    try {
      const held = await this.opts.store.renew(op);
      if (held) this.renewedAt.set(keyOf(op), issued);
      return held;
    } catch (err) {
      this.opts.logger?.warn({ err, operation: op.id }, 'renewing an operation lease failed');
      throw err;
    }
  }
}

function keyOf(op: Pick<Operation, 'id' | 'attempt'>): string {
  return `${op.id}#${op.attempt ?? 1}`;
}
