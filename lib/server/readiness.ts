import type { AppContext } from './app-context';

export interface ReadinessReport {
  ready: boolean;
  instanceId: string;
  database: { dialect: string; migrated: boolean };
  clusters: Array<{ name: string; state: string; error?: string }>;
}

/**
 * Ready when the database is migrated (it is once services exist) and every registered cluster has
 * finished its first sync attempt. A cluster that is unreachable ('degraded') does not take the
 * replica out of its Service: the other clusters are still served, and the body names the broken one.
 */
export function readiness(
  ctx: Pick<AppContext, 'db' | 'manager' | 'instanceId' | 'shuttingDown'>,
): ReadinessReport {
  const clusters = ctx.manager
    .statuses()
    .map((s) => ({ name: s.name, state: s.state, error: s.lastError ?? undefined }));
  return {
    ready: !ctx.shuttingDown && clusters.every((c) => c.state !== 'syncing'),
    instanceId: ctx.instanceId,
    database: { dialect: ctx.db.dialect, migrated: true },
    clusters,
  };
}
