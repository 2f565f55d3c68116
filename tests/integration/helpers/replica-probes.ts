import { performance } from 'node:perf_hooks';
import { WsTestClient } from '@/lib/push/testing/clients';
import type { Simulator } from '@/lib/sim';
import { eventually, type AppServer } from './app-server';
import type { LightClient } from './light-client';
import { viewOfSimNode } from './light-client';
import type { Api } from './replica-set';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** ms since t0 (never negative: an effect may land before the call that caused it returned) */
export const since = (t0: number) => Math.max(0, Math.round(performance.now() - t0));

/** Read-only questions a test asks the replicas, through an API token. */
export function replicaProbes(api: (app: AppServer) => Api, token: () => string) {
  const wsUrl = (app: AppServer, cluster: string) =>
    `${app.url.replace('http', 'ws')}/api/v1/ws/nodes?cluster=${cluster}`;
  return {
    wsUrl,
    /** a WebSocket client subscribed to the cluster on that replica */
    async watch(app: AppServer, cluster: string): Promise<WsTestClient> {
      const ws = await WsTestClient.open(wsUrl(app, cluster), { token: token() });
      await ws.waitFor((m) => m.type === 'subscribed', 10_000, `subscribed on ${app.url}`);
      return ws;
    },
    /**
     * ms since t0 once `app` lists the cluster: from a synced cache with `total` nodes, or
     * (`synced: false`) as soon as it answers for it at all.
     */
    async servedAfter(app: AppServer, cluster: string, t0: number, total?: number, synced = true) {
      await eventually(
        async () => {
          const r = await api(app)('GET', `/api/v1/clusters/${cluster}/nodes`);
          if (r.status !== 200) return false;
          return !synced || (r.json.synced && (total === undefined || r.json.total === total));
        },
        `${app.url} to serve ${cluster}`,
        30_000,
      );
      return since(t0);
    },
    /** per replica, whether it hosts the demo simulator */
    async demoHosts(list: AppServer[]): Promise<boolean[]> {
      const stats = await Promise.all(list.map(async (a) => (await api(a)('GET', '/api/v1/ws/stats')).json));
      return stats.map((s) => s?.replica?.demoHost === true);
    },
    async nodeNames(app: AppServer, cluster: string): Promise<string[]> {
      const r = await api(app)('GET', `/api/v1/clusters/${cluster}/nodes`);
      return (r.json.items as Array<{ name: string }>).map((n) => n.name).sort();
    },
    async operation(app: AppServer, id: string) {
      return (await api(app)('GET', `/api/v1/operations/${id}`)).json?.operation;
    },
  };
}

/** What differs between each light client's nodes and the simulator's (empty when all are equal). */
export function differencesFromSimulator(clients: LightClient[], sim: Simulator): string[] {
  const truth = new Map(
    sim.store.nodeNames().map((n) => [n, JSON.stringify(viewOfSimNode(sim.store.getNode(n)))]),
  );
  return clients
    .map((c, i) => {
      if (!c.connected) return `client ${i}: not connected`;
      if (c.nodes.size !== truth.size) return `client ${i}: ${c.nodes.size} nodes, simulator ${truth.size}`;
      for (const [name, view] of c.nodes)
        if (truth.get(name) !== JSON.stringify(view)) return `client ${i}: ${name} differs`;
      return '';
    })
    .filter(Boolean);
}
