import type { AppContext } from './app-context';

export interface ReadinessReport {
  ready: boolean;
  instanceId: string;
  database: { dialect: string; migrated: boolean };
  clusters: Array<{ name: string; state: string; error?: string }>;
}

/** Ready when the database is migrated (it is once services exist) and every registered cluster has synced. */
export function readiness(
  ctx: Pick<AppContext, 'db' | 'manager' | 'instanceId' | 'shuttingDown'>,
): ReadinessReport {
  const clusters = ctx.manager
    .statuses()
    .map((s) => ({ name: s.name, state: s.state, error: s.lastError ?? undefined }));
  return {
    ready: !ctx.shuttingDown && clusters.every((c) => c.state === 'ready'),
    instanceId: ctx.instanceId,
    database: { dialect: ctx.db.dialect, migrated: true },
    clusters,
  };
}
