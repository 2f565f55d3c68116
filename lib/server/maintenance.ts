import type { Logger } from 'pino';
import type { AuditLog } from '@/lib/audit/audit-log';
import type { LoginRefusals } from '@/lib/auth/login-refusals';
import type { SessionService } from '@/lib/auth/session-service';
import type { Database } from '@/lib/db';

export interface MaintenanceOptions {
  db: Database;
  audit: AuditLog;
  sessions: SessionService;
  refusals: LoginRefusals;
  auditRetentionDays: number;
  /** how often ended refused-login windows become audit rows */
  refusalFlushMs: number;
  logger: Logger;
  now?: () => number;
}

const HOURLY = 60 * 60_000;

/**
 * Background upkeep every replica runs (each task is safe to run concurrently on several):
 * refused-login windows → one audit row each; audit retention (AUDIT_RETENTION_DAYS); expired
 * sessions and rate-limit rows. A failing task (database down) is logged and tried next time.
 */
export function startMaintenance(opts: MaintenanceOptions): { stop(): void } {
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  const run = (name: string, task: () => Promise<unknown>) =>
    task().catch((err: unknown) => log.warn({ err, task: name }, 'maintenance task failed'));

  const hourly = async () => {
    const pruned = await opts.audit.prune(opts.auditRetentionDays);
    if (pruned > 0)
      log.info({ pruned, days: opts.auditRetentionDays }, 'audit entries past retention deleted');
    await opts.sessions.prune();
    await opts.db.kysely
      .deleteFrom('rate_limits')
      .where('expire', '<', now() - HOURLY)
      .execute();
  };
  const timers = [
    setInterval(() => void run('login refusals', () => opts.refusals.flush(opts.audit)), opts.refusalFlushMs),
    setInterval(() => void run('retention', hourly), HOURLY),
  ];
  for (const t of timers) t.unref();
  void run('retention', hourly);
  return {
    stop() {
      for (const t of timers) clearInterval(t);
    },
  };
}
