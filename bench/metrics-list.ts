import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { observeRequests } from '@/lib/http/observe-requests';
import { createLogger } from '@/lib/logger';
import { createAppMetrics } from '@/lib/metrics';
import { installMetricHooks, uninstallMetricHooks } from '@/lib/metrics/hooks';
import { nodeQueryParamsSchema } from '@/lib/protocol/node-query';
import { listNodesResponse } from '@/lib/nodes/node-api';
import type { NodeSource } from '@/lib/nodes/node-source';
import { PushHub } from '@/lib/push/hub';
import { RealtimeManager } from '@/lib/realtime/manager';
import type { Simulator } from '@/lib/sim';
import { eventually, freePort, startApp } from '../tests/integration/helpers/app-server';
import { client, login } from '../tests/integration/helpers/session';

// List requests for bench/metrics-bench.ts: metrics on vs off, in one process and across processes.

export type Mode = 'on' | 'off' | 'off2';
/**
 * Block order on, off, off2, then off2, off, on: a cost that drifts steadily during the run (JIT,
 * heap growth) then weighs the same on every mode instead of on whichever comes first.
 */
export const ORDER: Mode[] = ['on', 'off', 'off2', 'off2', 'off', 'on'];

export interface ModeFigures {
  /** every request's round trip, ms */
  wall: Record<Mode, number[]>;
  /** process CPU (server and client) per request, ms: total CPU of the mode's blocks / its requests */
  cpu: Record<Mode, number>;
}

function getter(base: string, cookie?: string) {
  const agent = new http.Agent({ keepAlive: true });
  const get = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const t = performance.now();
      http
        .get(
          base + path,
          { agent, headers: { 'accept-encoding': 'gzip', ...(cookie ? { cookie } : {}) } },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () =>
              res.statusCode === 200
                ? resolve(performance.now() - t)
                : reject(new Error(`HTTP ${res.statusCode}`)),
            );
          },
        )
        .on('error', reject);
    });
  return { get, close: () => agent.destroy() };
}

/**
 * The node list route's code in this process (listNodesResponse over a synced RealtimeManager, behind
 * the request wrapper server.ts uses, with a JSON logger), after a warm-up, in blocks of 25 requests:
 * metrics on, off, and off again (the second "off" shows how much identical blocks differ).
 */
export async function listInProcess(
  sim: Simulator,
  paths: Array<{ path: string; warmup: number }>,
  blocks: number,
): Promise<ModeFigures[]> {
  const manager = new RealtimeManager({});
  manager.registerCluster('bench', sim.kubeconfig());
  manager.start();
  await eventually(() => manager.clusterStatus('bench').state === 'ready', 'synced', 60_000);
  const hub = new PushHub({ source: manager });
  const m = createAppMetrics({ sources: { manager, hub }, sampleIntervalMs: 5000 });
  const logger = createLogger(
    { level: 'info', pretty: false },
    new Writable({ write: (_c, _e, done) => done() }),
  );
  const ctx = { manager, nodeSource: {} as NodeSource };
  const server = createServer(
    observeRequests(
      (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const q = nodeQueryParamsSchema.parse(Object.fromEntries(url.searchParams));
        void listNodesResponse(ctx, 'bench', q, new Request(url)).then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
          res.end();
        });
      },
      { logger },
    ),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { get, close } = getter(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const out: ModeFigures[] = [];
    for (const { path, warmup } of paths) {
      // CPU per request of this route keeps falling for thousands of requests (JIT, heap sizing)
      for (let i = 0; i < warmup; i++) await get(path);
      const wall: ModeFigures['wall'] = { on: [], off: [], off2: [] };
      const cpuMicros: Record<Mode, number> = { on: 0, off: 0, off2: 0 };
      for (let b = 0; b < blocks; b++) {
        const mode = ORDER[b % ORDER.length]!;
        if (mode === 'on') installMetricHooks(m.hooks);
        else uninstallMetricHooks(m.hooks);
        const cpu0 = process.cpuUsage();
        const times: number[] = [];
        for (let i = 0; i < 25; i++) times.push(await get(path));
        const used = process.cpuUsage(cpu0);
        wall[mode].push(...times);
        cpuMicros[mode] += used.user + used.system;
      }
      const per = (mode: Mode) => cpuMicros[mode] / 1000 / wall[mode].length;
      out.push({ wall, cpu: { on: per('on'), off: per('off'), off2: per('off2') } });
    }
    return out;
  } finally {
    uninstallMetricHooks(m.hooks);
    m.close();
    hub.dispose();
    close();
    server.close();
    await manager.shutdown();
  }
}

/**
 * End to end through Next: three app processes on the simulator, one with metrics (scraped every
 * second) and two without, requests rotating between them; the two without show the spread between
 * identical processes on this host.
 */
export async function listAcrossProcesses(
  sim: Simulator,
  path: string,
  rounds: number,
): Promise<Record<Mode, number[]>> {
  const metricsPort = await freePort();
  const apps = await Promise.all([
    startApp({ DEMO_CLUSTER: 'false', METRICS_PORT: String(metricsPort) }),
    startApp({ DEMO_CLUSTER: 'false', METRICS_ENABLED: 'false' }),
    startApp({ DEMO_CLUSTER: 'false', METRICS_ENABLED: 'false' }),
  ]);
  const scraper = setInterval(
    () => void fetch(`http://127.0.0.1:${metricsPort}/api/metrics`).then((r) => r.text()),
    1000,
  );
  const getters: Array<ReturnType<typeof getter>> = [];
  try {
    for (const a of apps) {
      const cookie = await login(a, 'admin', 'admin-password-1');
      await client(a, cookie)('POST', '/api/v1/clusters', { name: 'bench', kubeconfig: sim.kubeconfig() });
      await eventually(
        async () => (await client(a, cookie)('GET', '/api/readyz')).status === 200,
        'synced',
        60_000,
      );
      getters.push(getter(a.url, cookie));
    }
    const wall: Record<Mode, number[]> = { on: [], off: [], off2: [] };
    for (let i = 0; i < rounds + 20; i++) {
      for (let k = 0; k < 3; k++) {
        const j = (i + k) % 3; // rotate which process goes first
        const ms = await getters[j]!.get(path);
        if (i >= 20) wall[(['on', 'off', 'off2'] as const)[j]!].push(ms);
      }
    }
    return wall;
  } finally {
    clearInterval(scraper);
    for (const g of getters) g.close();
    await Promise.all(apps.map((a) => a.stop()));
  }
}
