import { apiRoute } from '@/lib/http/handler';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * GET /api/v1/ws/stats (admin): push connections by transport, cluster and user; counters; and for
 * every registered cluster its seq, subscribers and informer status (state, last error, events/s, lag);
 * and this replica's id, control-bus counters and demo-host flag.
 */
export const GET = apiRoute({ auth: 'admin-read' }, ({ ctx }) => {
  const push = ctx.hub.stats();
  const clusters = Object.fromEntries(
    ctx.manager.statuses().map((s) => [
      s.name,
      {
        seq: s.seq,
        subscribers: push.clusters[s.name]?.subscribers ?? 0,
        informer: {
          state: s.state,
          lastError: s.lastError,
          eventsPerSecond: s.eventsPerSecond,
          lagMs: s.lagMs,
          nodes: s.nodes,
          watchRestarts: s.stats.watchRestarts,
        },
      },
    ]),
  );
  // which replica answered, its control bus, and whether it hosts the demo simulator for all
  const replica = {
    instanceId: ctx.instanceId,
    bus: ctx.bus.stats(),
    demoHost: ctx.demoHost?.status().hosting ?? false,
  };
  return { ...push, clusters, replica };
});
