import http from 'node:http';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { WebSocket } from 'ws';
import { withKeepAlive } from '@/lib/k8s/keep-alive';
import { startSimulator } from '@/lib/sim';
import { eventually, startApp } from '../tests/integration/helpers/app-server';
import { client, login } from '../tests/integration/helpers/session';
import { percentile } from './stats';
import type { BenchResult } from './types';

const NODES = 5000;
const agent = new http.Agent({ keepAlive: true });

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

/** Node API through the real app (production build): cached list vs a direct API list, and a label write end to end. */
export async function run(): Promise<BenchResult[]> {
  const sim = await startSimulator({ nodes: NODES, podsPerNode: 2, seed: 3 });
  const app = await startApp({ DEMO_CLUSTER: 'false', LOG_LEVEL: 'warn' });
  try {
    const cookie = await login(app, 'admin', 'admin-password-1');
    const api = client(app, cookie);
    await api('POST', '/api/v1/clusters', { name: 'bench', kubeconfig: sim.kubeconfig() });
    await eventually(async () => (await api('GET', '/api/readyz')).status === 200, 'cluster synced', 60_000);

    const get = (path: string) =>
      new Promise<{ server: number; desc?: string; encoding?: string; bytes: number }>((resolve, reject) => {
        http
          .get(`${app.url}${path}`, { agent, headers: { cookie, 'accept-encoding': 'gzip' } }, (res) => {
            let bytes = 0;
            res.on('data', (c: Buffer) => (bytes += c.length));
            res.on('end', () => {
              const timing = String(res.headers['server-timing']);
              const server = Number(/dur=([\d.]+)/.exec(timing)?.[1] ?? NaN);
              resolve({
                server,
                desc: /desc="(\w+)"/.exec(timing)?.[1],
                encoding: res.headers['content-encoding'],
                bytes,
              });
            });
          })
          .on('error', reject);
      });
    for (let i = 0; i < 20; i++) await get('/api/v1/clusters/bench/nodes');
    const full: number[] = [];
    const fullRtt: number[] = [];
    let wire: { encoding?: string; bytes: number } = { bytes: 0 };
    for (let i = 0; i < 200; i++) {
      const [r, ms] = await timed(() => get('/api/v1/clusters/bench/nodes'));
      full.push(r.server);
      fullRtt.push(ms);
      wire = r;
    }
    // a change before every read: the body must be rebuilt each time
    const rebuilt: number[] = [];
    const names = sim.store.nodeNames();
    for (let i = 0; i < 300; i++) {
      sim.store.setNodeLabels(names[i]!, { rebuild: String(i) });
      await new Promise((r) => setTimeout(r, 20));
      const r = await get('/api/v1/clusters/bench/nodes');
      if (r.desc !== 'built') throw new Error('expected the list body to be rebuilt after a change');
      rebuilt.push(r.server);
    }
    const filtered: number[] = [];
    const sel = encodeURIComponent('node-role.kubernetes.io/control-plane!=,kubernetes.io/os=linux');
    for (let i = 0; i < 300; i++)
      filtered.push(
        (
          await get(
            `/api/v1/clusters/bench/nodes?labelSelector=${sel}&status=Ready&sort=-cpu&limit=50&offset=100`,
          )
        ).server,
      );
    const raw = JSON.stringify((await api('GET', '/api/v1/clusters/bench/nodes')).json).length;

    const kc = withKeepAlive(new KubeConfig());
    kc.loadFromString(sim.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    const direct: number[] = [];
    for (let i = 0; i < 20; i++) direct.push((await timed(() => core.listNode()))[1]);

    // latency the pipeline adds: the same changes seen by a direct watch on the simulator and by a
    // WebSocket client of the app (informer → cache → hub → socket), both timed in this process
    const sent = new Map<string, number>();
    const watched = new Map<string, number>();
    const pushed = new Map<string, number>();
    const watchReq = await new Watch(kc).watch(
      '/api/v1/nodes',
      { resourceVersion: sim.store.resourceVersion },
      (_type: string, obj: { metadata?: { labels?: Record<string, string> } }) => {
        const v = obj.metadata?.labels?.lat;
        if (v && !watched.has(v)) watched.set(v, performance.now());
      },
      () => undefined,
    );
    const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=bench`, {
      headers: { cookie },
      origin: app.origin,
    });
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; data?: { labels?: Record<string, string> } };
      const v = m.type === 'node_update' ? m.data?.labels?.lat : undefined;
      if (v && !pushed.has(v)) pushed.set(v, performance.now());
    });
    await new Promise((r) => ws.once('message', r));
    for (let i = 0; i < 200; i++) {
      sent.set(String(i), performance.now());
      sim.store.setNodeLabels(names[i]!, { lat: String(i) });
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 1000));
    ws.close();
    watchReq.abort();
    const lag = (seen: Map<string, number>) =>
      [...sent].flatMap(([k, t]) => (seen.has(k) ? [seen.get(k)! - t] : []));
    const directLag = lag(watched);
    const pushLag = lag(pushed);
    if (pushLag.length !== sent.size)
      throw new Error(`WebSocket client missed ${sent.size - pushLag.length} changes`);

    const nodes = names;
    const writes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const node = nodes[i % nodes.length]!;
      const [r, ms] = await timed(() =>
        api('POST', `/api/v1/clusters/bench/nodes/${node}/labels`, { set: { bench: String(i) } }),
      );
      if (r.status !== 200) throw new Error(`label write failed: ${r.status}`);
      writes.push(ms);
    }
    const p99Full = percentile(full, 99);
    const p99Filtered = percentile(filtered, 99);
    const p50Write = percentile(writes, 50);
    const directP50 = percentile(direct, 50);
    return [
      {
        name: `list ${NODES} nodes, server time p99 (unchanged cluster: cached body)`,
        value: p99Full,
        unit: 'ms',
        target: '≤ 5 ms',
        pass: p99Full <= 5,
        baseline: { name: 'direct API list p50 (client-node → simulator)', value: directP50 },
      },
      {
        name: `list ${NODES} nodes after a change, server time p99 (body rebuilt from per-node JSON)`,
        value: percentile(rebuilt, 99),
        unit: 'ms',
        target: '≤ 5 ms',
        pass: percentile(rebuilt, 99) <= 5,
      },
      {
        name: `list ${NODES} nodes after a change, server time p50`,
        value: percentile(rebuilt, 50),
        unit: 'ms',
      },
      {
        name: `list ${NODES} nodes, client round trip p50 (gzip, loopback)`,
        value: percentile(fullRtt, 50),
        unit: 'ms',
        baseline: { name: 'direct API list p99', value: percentile(direct, 99) },
      },
      {
        name: 'filtered + sorted page of 50, server time p99',
        value: p99Filtered,
        unit: 'ms',
        target: '≤ 5 ms',
        pass: p99Filtered <= 5,
      },
      {
        name: `full list on the wire (${wire.encoding ?? 'identity'})`,
        value: wire.bytes / 1024,
        unit: 'KiB',
        baseline: { name: 'uncompressed JSON', value: raw / 1024 },
      },
      {
        name: 'change in the cluster → WebSocket client of the app, p50',
        value: percentile([...pushLag], 50),
        unit: 'ms',
        baseline: { name: 'direct watch on the simulator, p50', value: percentile([...directLag], 50) },
      },
      {
        name: 'change in the cluster → WebSocket client of the app, p99',
        value: percentile([...pushLag], 99),
        unit: 'ms',
        baseline: { name: 'direct watch on the simulator, p99', value: percentile([...directLag], 99) },
      },
      {
        name: 'label mutation end to end with read-your-writes, p50',
        value: p50Write,
        unit: 'ms',
        target: '≤ 50 ms',
        pass: p50Write <= 50,
      },
      { name: 'label mutation end to end, p99', value: percentile(writes, 99), unit: 'ms' },
    ];
  } finally {
    await app.stop();
    await sim.close();
  }
}
