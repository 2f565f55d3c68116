import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually, startApp, type AppServer } from './app-server';
import { client, login } from './session';

export interface SimApp {
  sim: Simulator;
  app: AppServer;
  cookie: string;
  api: ReturnType<typeof client>;
  close(): Promise<void>;
}

/**
 * The real app (its own process, DEMO off) with a simulator of ours registered as cluster
 * `name` through the cluster API, so tests can both drive the app and inspect the cluster.
 */
export async function startSimApp(opts: {
  nodes: number;
  podsPerNode?: number;
  name?: string;
  env?: Record<string, string>;
}): Promise<SimApp> {
  const name = opts.name ?? 'sim';
  const sim = await startSimulator({
    nodes: opts.nodes,
    podsPerNode: opts.podsPerNode ?? 0,
    seed: 11,
    podGracePeriodSeconds: 0,
  });
  const app = await startApp({ DEMO_CLUSTER: 'false', ...opts.env });
  const cookie = await login(app, 'admin', 'admin-password-1');
  const api = client(app, cookie);
  const added = await api('POST', '/api/v1/clusters', { name, kubeconfig: sim.kubeconfig() });
  if (added.status >= 300)
    throw new Error(`adding cluster failed: ${added.status} ${JSON.stringify(added.json)}`);
  await eventually(
    async () => {
      const r = await api('GET', '/api/readyz');
      return (
        r.status === 200 &&
        (r.json as { clusters: Array<{ name: string }> }).clusters.some((c) => c.name === name)
      );
    },
    `cluster ${name} ready`,
    30_000,
  );
  return {
    sim,
    app,
    cookie,
    api,
    async close() {
      await app.stop();
      await sim.close();
    },
  };
}
