import type { Database } from '@/lib/db';
import type { Operation } from './operation-runner';

/**
 * Operations in the database, so any replica can answer GET /operations/:id and pass on a
 * cancel to the replica that runs it. Saves for one operation are coalesced: at most one
 * in flight, and the latest state always wins.
 */
export class OperationStore {
  private readonly pending = new Map<string, Operation>();
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly instanceId: string,
    private readonly now: () => number = Date.now,
  ) {}

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
    const snapshot = JSON.stringify(op);
    await this.db.kysely
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
        created_at: Date.parse(op.createdAt) || now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ snapshot, state: op.state, updated_at: now }))
      .execute();
  }

  /** Resolves once every queued save is stored (shutdown waits for it before closing the database). */
  async flushed(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  async get(id: string): Promise<Operation | undefined> {
    const row = await this.db.kysely
      .selectFrom('operations')
      .select('snapshot')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.snapshot) as Operation) : undefined;
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
