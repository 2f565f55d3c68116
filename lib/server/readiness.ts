import type { AppContext } from './app-context';

export interface ReadinessReport {
  ready: boolean;
  instanceId: string;
  /** `reachable` is false during an outage: changes are refused (503), cached reads go on */
  database: { dialect: string; migrated: boolean; reachable: boolean };
  clusters: Array<{ name: string; state: string; error?: string }>;
}

/**
 * Ready when not shutting down and every registered cluster has finished its first sync attempt.
 * A cluster that is unreachable ('degraded') does not take the replica out of its Service: the
 * other clusters are still served, and the body names the broken one. The database's state is
 * reported but does not make a replica unready either: during an outage every replica would leave
 * the load balancer, yet each can still serve its node cache (writes answer 503 meanwhile).
 */
export async function readiness(
  ctx: Pick<AppContext, 'db' | 'manager' | 'instanceId' | 'shuttingDown'>,
): Promise<ReadinessReport> {
  const clusters = ctx.manager
    .statuses()
    .map((s) => ({ name: s.name, state: s.state, error: s.lastError ?? undefined }));
  // bounded well under a probe's usual 1 s timeout, so an unreachable database cannot fail the probe itself
  const reachable = await ctx.db.ping(700);
  return {
    ready: !ctx.shuttingDown && clusters.every((c) => c.state !== 'syncing'),
    instanceId: ctx.instanceId,
    database: { dialect: ctx.db.dialect, migrated: true, reachable },
    clusters,
  };
}
