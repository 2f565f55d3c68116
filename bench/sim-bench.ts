import http from 'node:http';
import https from 'node:https';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type Simulator, startSimulator } from '@/lib/sim';

import type { BenchResult } from './types';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function agentFor(sim: Simulator): http.Agent {
  return sim.url.startsWith('https') ? new https.Agent({ ca: sim.caPem, keepAlive: true }) : new http.Agent({ keepAlive: true });
}

function get(sim: Simulator, agent: http.Agent, path: string): Promise<Buffer> {
  const lib = sim.url.startsWith('https') ? https : http;
  return new Promise((resolve, reject) => {
    lib
      .get(new URL(path, sim.url), { agent, headers: { Authorization: `Bearer ${sim.adminToken}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

interface Watcher {
  /** called with the number of complete lines in each received chunk */
  onLines(fn: (count: number) => void): void;
  ready: Promise<void>;
  close(): void;
}

function watch(sim: Simulator, path: string): Watcher {
  const lib = sim.url.startsWith('https') ? https : http;
  let listener: (count: number) => void = () => undefined;
  let req!: http.ClientRequest;
  const ready = new Promise<void>((resolve, reject) => {
    req = lib.get(new URL(path, sim.url), { agent: false, ca: sim.caPem, headers: { Authorization: `Bearer ${sim.adminToken}` } }, (res) => {
      resolve();
      res.on('data', (c: Buffer) => {
        let n = 0;
        for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) n++;
        if (n) listener(n);
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => reject(e));
  });
  return { onLines: (fn) => (listener = fn), ready, close: () => req.destroy() };
}

async function listBench(): Promise<BenchResult[]> {
  const t0 = performance.now();
  const sim = await startSimulator({ nodes: 10_000, seed: 1, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
  const startMs = performance.now() - t0;
  const agent = agentFor(sim);
  try {
    await get(sim, agent, '/api/v1/nodes');
    const times: number[] = [];
    const cpu: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const c = process.cpuUsage();
      const body = await get(sim, agent, '/api/v1/nodes');
      const d = process.cpuUsage(c);
      times.push(performance.now() - s);
      cpu.push((d.user + d.system) / 1000);
      bytes = body.length;
    }
    const paged: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      let cont = '';
      do {
        const body = JSON.parse((await get(sim, agent, `/api/v1/nodes?limit=500${cont ? `&continue=${cont}` : ''}`)).toString('utf8')) as { metadata: { continue?: string } };
        cont = body.metadata.continue ?? '';
      } while (cont);
      paged.push(performance.now() - s);
    }
    return [
      { name: 'sim: start with 10,000 nodes', value: round(startMs, 0), unit: 'ms' },
      { name: 'sim: list 10,000 nodes over HTTPS (full body received)', value: round(median(times)), unit: 'ms', target: '≤ 300 ms', pass: median(times) <= 300 },
      { name: 'sim: list 10,000 nodes, CPU time of server + client (load-independent)', value: round(median(cpu)), unit: 'ms', target: '≤ 300 ms', pass: median(cpu) <= 300 },
      { name: 'sim: list 10,000 nodes body size', value: round(bytes / 1024 / 1024, 1), unit: 'MiB' },
      { name: 'sim: list 10,000 nodes in pages of 500 (parsed)', value: round(median(paged)), unit: 'ms' },
    ];
  } finally {
    agent.destroy();
    await sim.close();
  }
}

async function fanoutBench(): Promise<BenchResult[]> {
  const sim = await startSimulator({ nodes: 100, seed: 2, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
  const watchers: Watcher[] = [];
  try {
    for (let i = 0; i < 100; i++) watchers.push(watch(sim, `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`));
    await Promise.all(watchers.map((w) => w.ready));
    const node = sim.store.nodeNames()[0]!;
    const lat: number[] = [];
    for (let round_ = 0; round_ < 30; round_++) {
      let got = 0;
      const s = performance.now();
      const done = new Promise<void>((resolve) => {
        for (const w of watchers)
          w.onLines((n) => {
            got += n;
            if (got === watchers.length) resolve();
          });
      });
      sim.store.setNodeLabels(node, { bench: String(round_) });
      await done;
      lat.push(performance.now() - s);
    }
    return [{ name: 'sim: one change fanned out to 100 HTTPS watchers (all received)', value: round(median(lat), 2), unit: 'ms', target: '≤ 20 ms', pass: median(lat) <= 20 }];
  } finally {
    for (const w of watchers) w.close();
    await sim.close();
  }
}

async function writeBench(): Promise<BenchResult[]> {
  const sim = await startSimulator({ nodes: 1000, seed: 3, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
  const watchers: Watcher[] = [];
  try {
    for (let i = 0; i < 20; i++) watchers.push(watch(sim, `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`));
    await Promise.all(watchers.map((w) => w.ready));
    const sentAt: number[] = [];
    const lags: number[] = [];
    let received = 0;
    for (const w of watchers) {
      let mine = 0;
      w.onLines((n) => {
        mine += n;
        received += n;
        const t = sentAt[mine - 1];
        if (t !== undefined) lags.push(performance.now() - t);
      });
    }
    const names = sim.store.nodeNames();
    const seconds = 5;
    const perTick = 10;
    let writes = 0;
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const iv = setInterval(() => {
        const due = Math.min(seconds * 1000, Math.floor(((performance.now() - start) / 1000) * 1000));
        while (writes < due) {
          sim.store.setNodeLabels(names[writes % names.length]!, { seq: String(writes) });
          sentAt.push(performance.now());
          writes++;
        }
        if (writes >= seconds * 1000) {
          clearInterval(iv);
          resolve();
        }
      }, perTick);
    });
    const elapsed = (performance.now() - start) / 1000;
    const until = Date.now() + 10_000;
    while (received < writes * watchers.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return [
      { name: 'sim: sustained writes with 20 watchers', value: round(writes / elapsed, 0), unit: 'writes/s', target: '≥ 1,000 writes/s (paced at 1,000)', pass: writes / elapsed >= 950 },
      { name: 'sim: watch delivery lag p99 at 1,000 writes/s × 20 watchers', value: round(percentile(lags, 0.99), 1), unit: 'ms' },
      { name: 'sim: events delivered / expected', value: round(received / (writes * watchers.length), 3), unit: 'ratio', target: '1.0', pass: received === writes * watchers.length },
    ];
  } finally {
    for (const w of watchers) w.close();
    await sim.close();
  }
}

async function memoryBench(): Promise<BenchResult[]> {
  v8.setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (vm.runInNewContext('gc') as (() => void) | undefined);
  gc?.();
  const before = process.memoryUsage();
  const sim = await startSimulator({ nodes: 5000, podsPerNode: 10, seed: 4, leaseIntervalMs: 0, nodeStatusIntervalMs: 0, historyWindowMs: 1 });
  try {
    gc?.();
    const after = process.memoryUsage();
    const pods = sim.store.count('pods');
    return [
      { name: `sim: heap for 5,000 nodes + ${pods.toLocaleString('en-US')} pods`, value: round((after.heapUsed - before.heapUsed) / 1024 / 1024, 0), unit: 'MiB', target: '≤ 1024 MiB', pass: after.heapUsed - before.heapUsed <= 2 ** 30 },
      { name: 'sim: process RSS with 5,000 nodes + 50,000 pods', value: round(after.rss / 1024 / 1024, 0), unit: 'MiB', target: '≤ 1024 MiB', pass: after.rss <= 2 ** 30 },
    ];
  } finally {
    await sim.close();
  }
}

/** Simulator benchmarks (aggregated by bench/run.ts); whole run stays well under a minute. */
export async function run(): Promise<BenchResult[]> {
  return [...(await listBench()), ...(await fanoutBench()), ...(await writeBench()), ...(await memoryBench())];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (rs) => {
      for (const r of rs) console.log(`${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
