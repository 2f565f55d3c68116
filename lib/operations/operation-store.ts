import type { ExpressionBuilder } from 'kysely';
import type { DB, Database } from '@/lib/db';
import { dbNowMs, dbNowPlusMs } from '@/lib/db/clock';
import { markInterrupted, type Operation } from './operation-state';

export interface OperationStoreOptions {
  now?: () => number;
  /** how long a running operation's lease lasts without renewal */
  leaseMs?: number;
  /** a save was refused because another replica (or the reaper) took the operation over */
  onLost?: (id: string) => void;
}

const RETRYABLE_STATES = ['interrupted', 'cancelled', 'failed', 'stopped'] as const;

/**
 * Operations in the database, so any replica can answer GET /operations/:id, pass on a cancel, and
 * take over an operation whose replica died. A running operation's row is a lease: `instance_id`
 * owns it until `lease_expires_at` (database clock), and every write of the owner is conditional on
 * still owning the same `attempt` of a running row, so a replica that lost the lease cannot
 * overwrite what another one did. Saves for one operation are coalesced: at most one in flight, and
 * the latest state always wins.
 */
export class OperationStore {
  readonly leaseMs: number;
  private readonly pending = new Map<string, Operation>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * This replica's running operations: `held` once the row is written (or claimed), `lost` once a
   * write or renewal found another owner. Not listed yet: the first insert is still on its way, and
   * will carry a fresh lease, so a renewal has nothing to do.
   */
  private readonly leases = new Map<string, 'held' | 'lost'>();
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    private readonly instanceId: string,
    private readonly opts: OperationStoreOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.leaseMs = opts.leaseMs ?? 15_000;
  }

  /** Queues a save of the operation's current state; resolves when that state (or a newer one) is stored. */
  save(op: Operation): Promise<void> {
    this.pending.set(op.id, op);
    const running = this.inFlight.get(op.id);
    if (running) return running.then(() => this.flush(op.id));
    return this.flush(op.id);
  }

  private flush(id: string): Promise<void> {
    const existing = this.inFlight.get(id);
    if (existing) return existing;
    const op = this.pending.get(id);
    if (!op) return Promise.resolve();
    this.pending.delete(id);
    const write = this.write(op).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, write);
    return write;
  }

  private async write(op: Operation): Promise<void> {
    const now = this.now();
    // a drain's live pods are pushed, not stored: they change many times a second and mean nothing later
    const { pods: _live, ...stored } = op;
    const snapshot = JSON.stringify(stored);
    const attempt = op.attempt ?? 1;
    const lease = op.state === 'running' ? dbNowPlusMs(this.db, this.leaseMs) : null;
    const res = await this.db.kysely
      .insertInto('operations')
      .values({
        id: op.id,
        cluster: op.cluster,
        kind: op.kind,
        username: op.user,
        snapshot,
        state: op.state,
        instance_id: this.instanceId,
        cancel_requested: 0,
        attempt,
        lease_expires_at: lease,
        created_at: Date.parse(op.createdAt) || now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ snapshot, state: op.state, updated_at: now, lease_expires_at: lease })
          .where('operations.instance_id', '=', this.instanceId)
          .where('operations.attempt', '=', attempt)
          .where('operations.state', '=', 'running'),
      )
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 1n) === 0) {
      this.leases.set(op.id, 'lost');
      this.opts.onLost?.(op.id);
      return;
    }
    if (op.state === 'running') this.leases.set(op.id, 'held');
    else this.leases.delete(op.id);
  }

  /** Resolves once every queued save is stored (shutdown waits for it before closing the database). */
  async flushed(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  async get(id: string): Promise<Operation | undefined> {
    const row = await this.db.kysely
      .selectFrom('operations')
      .select(['snapshot', 'attempt'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? { ...(JSON.parse(row.snapshot) as Operation), attempt: Number(row.attempt) } : undefined;
  }

  /**
   * Extends this replica's lease on a running operation; false when the lease is no longer ours (the
   * operation was reaped or retried elsewhere). An operation whose row is not written yet counts as held.
   */
  async renew(op: Pick<Operation, 'id' | 'attempt'>): Promise<boolean> {
    const lease = this.leases.get(op.id);
    if (lease === 'lost') return false;
    if (lease === undefined) return true;
    const res = await this.db.kysely
      .updateTable('operations')
      .set({ lease_expires_at: dbNowPlusMs(this.db, this.leaseMs) })
      .where('id', '=', op.id)
      .where('instance_id', '=', this.instanceId)
      .where('attempt', '=', op.attempt ?? 1)
      .where('state', '=', 'running')
      .executeTakeFirst();
    const held = Number(res.numUpdatedRows) > 0;
    if (!held) this.leases.set(op.id, 'lost');
    return held;
  }

  /**
   * Marks running operations whose lease expired (their replica died or stalled) `interrupted`, keeping
   * their per-node results. Safe to run on every replica at once: each row is taken by one update.
   */
  async reapExpired(message = 'the replica running it stopped (its lease expired)'): Promise<Operation[]> {
    const now = this.now();
    const expired = (eb: ExpressionBuilder<DB, 'operations'>) =>
      eb.or([
        eb('lease_expires_at', '<', dbNowMs(this.db)),
        // rows written before leases existed
        eb.and([eb('lease_expires_at', 'is', null), eb('updated_at', '<', now - this.leaseMs)]),
      ]);
    const rows = await this.db.kysely
      .selectFrom('operations')
      .select(['id', 'snapshot', 'attempt', 'instance_id'])
      .where('state', '=', 'running')
      .where(expired)
      .execute();
    const reaped: Operation[] = [];
    for (const row of rows) {
      const op = markInterrupted(
        { ...(JSON.parse(row.snapshot) as Operation), attempt: Number(row.attempt) },
        message,
        new Date(now),
      );
      const res = await this.db.kysely
        .updateTable('operations')
        .set({ snapshot: JSON.stringify(op), state: op.state, lease_expires_at: null, updated_at: now })
        .where('id', '=', row.id)
        .where('attempt', '=', row.attempt)
        .where('instance_id', '=', row.instance_id)
        .where('state', '=', 'running')
        .where(expired)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) > 0) reaped.push(op);
    }
    return reaped;
  }

  /**
   * Takes a finished (interrupted, cancelled, stopped or failed) operation over for a retry: one compare-and-set
   * on (id, attempt, state), so of two replicas asked at once exactly one gets it. `next` is the
   * operation as the new attempt starts (attempt = previous + 1).
   */
  async claim(next: Operation, previousAttempt: number): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable('operations')
      .set({
        instance_id: this.instanceId,
        attempt: next.attempt ?? previousAttempt + 1,
        state: 'running',
        snapshot: JSON.stringify(next),
        cancel_requested: 0,
        lease_expires_at: dbNowPlusMs(this.db, this.leaseMs),
        updated_at: this.now(),
      })
      .where('id', '=', next.id)
      .where('attempt', '=', previousAttempt)
      .where('state', 'in', RETRYABLE_STATES)
      .executeTakeFirst();
    const claimed = Number(res.numUpdatedRows) > 0;
    if (claimed) this.leases.set(next.id, 'held');
    return claimed;
  }

  /** Marks a running operation of another replica for cancel; false when it is not running. */
  async requestCancel(id: string): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable('operations')
      .set({ cancel_requested: 1 })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Ids of this replica's running operations that another replica asked to cancel. */
  async cancelRequests(): Promise<string[]> {
    const rows = await this.db.kysely
      .selectFrom('operations')
      .select('id')
      .where('instance_id', '=', this.instanceId)
      .where('state', '=', 'running')
      .where('cancel_requested', '=', 1)
      .execute();
    return rows.map((r) => r.id);
  }

  /** Drops finished operations older than `maxAgeMs`. */
  async prune(maxAgeMs: number): Promise<void> {
    await this.db.kysely
      .deleteFrom('operations')
      .where('state', '!=', 'running')
      .where('updated_at', '<', this.now() - maxAgeMs)
      .execute();
  }
}
