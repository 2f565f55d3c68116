import { sql } from 'kysely';
import type { AuditLog } from '@/lib/audit/audit-log';
import type { Database } from '@/lib/db';
import type { RateScope } from './rate-limiter';

/**
 * Sign-ins refused because their address or account was already rate limited are not audited one
 * by one (an unauthenticated flood would fill the table); they are counted per key and window in
 * the database, and each window becomes one audit row once it has ended.
 */
export class LoginRefusals {
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(
    private readonly db: Database,
    opts: { windowSeconds: number; now?: () => number },
  ) {
    this.windowMs = opts.windowSeconds * 1000;
    this.now = opts.now ?? Date.now;
  }

  async count(scope: RateScope, username: string, ip: string): Promise<void> {
    const windowStart = Math.floor(this.now() / this.windowMs) * this.windowMs;
    const key = `${scope}|${scope === 'ip' ? '' : username.toLowerCase()}|${ip}`.slice(0, 250);
    await this.db.kysely
      .insertInto('login_refusals')
      .values({
        key,
        window_start: windowStart,
        scope,
        username: scope === 'ip' ? null : username.slice(0, 64),
        ip: ip.slice(0, 100),
        count: 1,
      })
      .onConflict((oc) =>
        oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`login_refusals.count + 1` }),
      )
      .execute();
  }

  /**
   * Writes one audit row per ended window. Rows are claimed with DELETE … RETURNING, so two
   * replicas flushing at once never write the same window twice. Returns the rows written.
   */
  async flush(audit: AuditLog): Promise<number> {
    const ended = await this.db.kysely
      .deleteFrom('login_refusals')
      .where('window_start', '<=', this.now() - this.windowMs)
      .returningAll()
      .execute();
    for (const row of ended) {
      const count = Number(row.count);
      await audit.record({
        user: row.username ? { id: null, username: row.username } : null,
        action: 'auth.login',
        target: row.username,
        ip: row.ip,
        result: 'failure',
        error: `rate limited (${row.scope}): ${count} sign-in attempt${count === 1 ? '' : 's'} refused`,
        parameters: {
          aggregated: true,
          refused: count,
          windowStart: new Date(Number(row.window_start)).toISOString(),
          windowSeconds: this.windowMs / 1000,
        },
      });
    }
    return ended.length;
  }
}
