import http from 'node:http';
import https from 'node:https';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { type Simulator, startSimulator } from '@/lib/sim';
import { jsonFormat } from '@/lib/sim/http/format';
import { resourceDefs } from '@/lib/sim/resources';

import { PACE_SLACK_MS, maxSustainedRate } from './capacity';
import type { BenchResult } from './types';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function agentFor(sim: Simulator): http.Agent {
  return sim.url.startsWith('https')
    ? new https.Agent({ ca: sim.caPem, keepAlive: true })
    : new http.Agent({ keepAlive: true });
}

function get(sim: Simulator, agent: http.Agent, path: string): Promise<Buffer> {
  const lib = sim.url.startsWith('https') ? https : http;
  return new Promise((resolve, reject) => {
    lib
      .get(
        new URL(path, sim.url),
        { agent, headers: { Authorization: `Bearer ${sim.adminToken}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        },
      )
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
    req = lib.get(
      new URL(path, sim.url),
      { agent: false, ca: sim.caPem, headers: { Authorization: `Bearer ${sim.adminToken}` } },
      (res) => {
        resolve();
        res.on('data', (c: Buffer) => {
          let n = 0;
          for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) n++;
          if (n) listener(n);
        });
        res.on('error', () => undefined);
      },
    );
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
    // client on a worker thread (another core), as an informer in another process would be
    const names = sim.store.nodeNames();
    const timed = async (change: boolean): Promise<{ ms: number[]; bytes: number }> => {
      const ms: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 5; i++) {
        if (change) sim.store.setNodeLabels(names[i]!, { bench: `${Date.now()}-${i}` });
        const r = await listOnWorker(sim);
        ms.push(r.ms);
        bytes = r.bytes;
      }
      return { ms, bytes };
    };
    const afterChange = await timed(true);
    const unchanged = await timed(false);
    const cpu: number[] = [];
    for (let i = 0; i < 3; i++) {
      sim.store.setNodeLabels(names[i]!, { cpu: String(i) });
      const c = process.cpuUsage();
      await get(sim, agent, '/api/v1/nodes');
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
    }
    const times = afterChange.ms;
    const cached = unchanged.ms;
    const bytes = afterChange.bytes;
    const build: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      jsonFormat.list(resourceDefs.nodes!, sim.store.list('nodes'));
      build.push(performance.now() - s);
    }
    const paged: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = performance.now();
      let cont = '';
      do {
        const body = JSON.parse(
          (await get(sim, agent, `/api/v1/nodes?limit=500${cont ? `&continue=${cont}` : ''}`)).toString(
            'utf8',
          ),
        ) as { metadata: { continue?: string } };
        cont = body.metadata.continue ?? '';
      } while (cont);
      paged.push(performance.now() - s);
    }
    return [
      {
        name: 'sim: start with 10,000 nodes',
        value: startMs,
        unit: 'ms',
        definition: 'startSimulator() called → listening with 10,000 nodes seeded (same process)',
      },
      {
        name: 'sim: list 10,000 nodes over HTTPS after a change, p50 of 5',
        value: median(times),
        unit: 'ms',
        target: '≤ 300 ms',
        pass: median(times) <= 300,
        definition:
          'a label change, then a client on a worker thread (a new TLS connection) GETs /api/v1/nodes: request sent → last byte received, not parsed',
      },
      {
        name: 'sim: same, CPU time of server + client together on one thread',
        value: median(cpu),
        unit: 'ms',
        definition:
          'a label change, then a GET of all nodes from this thread: CPU time of this process (server and client), p50 of 3',
      },
      {
        name: 'sim: list 10,000 nodes over HTTPS, unchanged (cached items body)',
        value: median(cached),
        unit: 'ms',
        definition:
          'as the list after a change, without a change before it (the items body is reused), p50 of 5',
      },
      {
        name: 'sim: list 10,000 nodes, server-side filter + serialize only (uncached path)',
        value: median(build),
        unit: 'ms',
        definition: 'the list body built in memory by the JSON formatter, no HTTP, p50 of 5',
      },
      {
        name: 'sim: list 10,000 nodes body size',
        value: bytes / 1024 / 1024,
        unit: 'MiB',
        definition: 'bytes of the unfiltered list response (JSON, uncompressed)',
      },
      {
        name: 'sim: list 10,000 nodes in pages of 500 (parsed)',
        value: median(paged),
        unit: 'ms',
        definition:
          'GET with limit=500, following continue tokens to the end, each page parsed with JSON.parse; one keep-alive connection; p50 of 3',
      },
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
    for (let i = 0; i < 100; i++)
      watchers.push(watch(sim, `/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`));
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
    return [
      {
        name: 'sim: one change fanned out to 100 HTTPS watchers, p50 of 30',
        value: median(lat),
        unit: 'ms',
        target: '≤ 20 ms',
        pass: median(lat) <= 20,
        definition:
          'label written → the event line read by all 100 watchers (same thread as the simulator: server and clients share one core)',
      },
    ];
  } finally {
    for (const w of watchers) w.close();
    await sim.close();
  }
}

const listWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const https = require('node:https');
const http = require('node:http');
const { url, token, ca } = workerData;
const lib = url.startsWith('https') ? https : http;
const t = performance.now();
lib.get(url, { agent: false, ca, headers: { Authorization: 'Bearer ' + token } }, (res) => {
  let bytes = 0;
  res.on('data', (c) => { bytes += c.length; });
  res.on('end', () => parentPort.postMessage({ ms: performance.now() - t, bytes }));
}).on('error', (e) => parentPort.postMessage({ error: String(e) }));
`;

async function listOnWorker(sim: Simulator): Promise<{ ms: number; bytes: number }> {
  const worker = new Worker(listWorkerSource, {
    eval: true,
    workerData: { url: `${sim.url}/api/v1/nodes`, token: sim.adminToken, ca: sim.caPem },
  });
  try {
    return await new Promise((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m: { ms?: number; bytes?: number; error?: string }) =>
        m.error ? reject(new Error(m.error)) : resolve({ ms: m.ms!, bytes: m.bytes! }),
      );
    });
  } finally {
    await worker.terminate();
  }
}

/** Watch clients on a worker thread (plain JS, node builtins only) so client-side TLS/parsing doesn't share the server's thread. */
const watcherWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const https = require('node:https');
const http = require('node:http');
const { url, token, ca, count } = workerData;
const lib = url.startsWith('https') ? https : http;
let open = 0;
const reqs = [];
for (let i = 0; i < count; i++) {
  const req = lib.get(url, { agent: false, ca, headers: { Authorization: 'Bearer ' + token } }, (res) => {
    let mine = 0;
    if (++open === count) parentPort.postMessage({ ready: true });
    res.on('data', (c) => {
      let n = 0;
      for (let j = c.indexOf(10); j >= 0; j = c.indexOf(10, j + 1)) n++;
      if (n) { mine += n; parentPort.postMessage({ watcher: i, total: mine, at: performance.timeOrigin + performance.now() }); }
    });
    res.on('error', () => {});
  });
  req.on('error', () => {});
  reqs.push(req);
}
parentPort.on('message', (m) => { if (m === 'close') { for (const r of reqs) r.destroy(); parentPort.close(); } });
`;

interface PacedRun {
  /** writes issued per second of the run */
  rate: number;
  /** the most any write was issued after its scheduled time */
  behindMs: number;
  /** events received by all watchers / writes × watchers, 5 s after the last write at most */
  delivered: number;
  lags: number[];
}

/** A paced writer (same thread as the simulator) and 20 HTTPS watchers (a worker thread). */
async function writeBench(): Promise<BenchResult[]> {
  const sim = await startSimulator({ nodes: 1000, seed: 3, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
  const watcherCount = 20;
  const worker = new Worker(watcherWorkerSource, {
    eval: true,
    workerData: {
      url: `${sim.url}/api/v1/nodes?watch=true&resourceVersion=${sim.store.resourceVersion}`,
      token: sim.adminToken,
      ca: sim.caPem,
      count: watcherCount,
    },
  });
  try {
    // both indexed by write number over the whole bench: watchers report cumulative counts
    const sentAt: number[] = [];
    let lags: number[] = [];
    const totals = new Array<number>(watcherCount).fill(0);
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (m: { ready?: boolean; watcher?: number; total?: number; at?: number }) => {
        if (m.ready) return resolve();
        totals[m.watcher!] = m.total!;
        const t = sentAt[m.total! - 1];
        if (t !== undefined) lags.push(m.at! - t);
      });
    });
    const names = sim.store.nodeNames();
    const received = () => totals.reduce((a, b) => a + b, 0);

    /** `rate` label writes per second for `seconds`, each issued as soon as it is due (checked every 5 ms) */
    async function paced(rate: number, seconds: number): Promise<PacedRun> {
      lags = [];
      const first = sentAt.length;
      const n = Math.round(rate * seconds);
      let written = 0;
      let behindMs = 0;
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const tick = () => {
          const now = performance.now() - start;
          const due = Math.min(n, Math.floor((now / 1000) * rate));
          if (due > written) behindMs = Math.max(behindMs, now - ((written + 1) / rate) * 1000);
          for (; written < due; written++) {
            sim.store.setNodeLabels(names[(first + written) % names.length]!, {
              seq: String(first + written),
            });
            sentAt.push(performance.timeOrigin + performance.now());
          }
          if (written >= n) resolve();
          else setTimeout(tick, 5);
        };
        tick();
      });
      const elapsed = (performance.now() - start) / 1000;
      const until = Date.now() + 5000;
      while (received() < sentAt.length * watcherCount && Date.now() < until) await sleep(20);
      const delivered = (received() - first * watcherCount) / (n * watcherCount);
      // let a run that fell behind finish delivering before the next one starts
      while (received() < sentAt.length * watcherCount && Date.now() < until + 30_000) await sleep(50);
      return { rate: n / elapsed, behindMs, delivered, lags };
    }
    const sustained = (r: PacedRun) =>
      r.behindMs <= PACE_SLACK_MS && r.delivered === 1 && percentile(r.lags, 0.99) <= 100;

    const atTarget = await paced(1000, 5);
    const capacity = await maxSustainedRate(1000, 128_000, async (rate) => sustained(await paced(rate, 2)));
    const lagDef =
      'label written into the store → the watch event line read by a watcher on another thread (20 watchers, each event counted per watcher)';
    return [
      {
        name: 'sim: maximum sustained write rate with 20 HTTPS watchers',
        value: capacity.rate,
        unit: 'writes/s',
        target: '≥ 1,000 writes/s',
        definition: `highest rate at which, for 2 s, every write went out within ${PACE_SLACK_MS} ms of its schedule, every watcher received every event, and delivery lag p99 stayed ≤ 100 ms (${capacity.note})`,
      },
      {
        name: 'sim: writes paced at 1,000/s for 5 s: rate issued',
        value: atTarget.rate,
        unit: 'writes/s',
        definition: 'the generator is paced at 1,000/s, so this is its input, not a capacity',
      },
      {
        name: 'sim: watch delivery lag p50 at 1,000 writes/s × 20 watchers',
        value: percentile(atTarget.lags, 0.5),
        unit: 'ms',
        definition: lagDef,
      },
      {
        name: 'sim: watch delivery lag p99 at 1,000 writes/s × 20 watchers',
        value: percentile(atTarget.lags, 0.99),
        unit: 'ms',
        definition: lagDef,
      },
      {
        name: 'sim: events delivered / expected at 1,000 writes/s',
        value: atTarget.delivered,
        unit: 'ratio',
        target: '1.0',
        pass: atTarget.delivered === 1,
        definition: 'events received by all watchers within 5 s of the last write / (writes × 20)',
      },
    ];
  } finally {
    worker.postMessage('close');
    await worker.terminate();
    await sim.close();
  }
}

async function memoryBench(): Promise<BenchResult[]> {
  v8.setFlagsFromString('--expose-gc');
  const gc = (globalThis as { gc?: () => void }).gc ?? (vm.runInNewContext('gc') as (() => void) | undefined);
  gc?.();
  const before = process.memoryUsage();
  const sim = await startSimulator({
    nodes: 5000,
    podsPerNode: 10,
    seed: 4,
    leaseIntervalMs: 0,
    nodeStatusIntervalMs: 0,
    historyWindowMs: 1,
  });
  try {
    gc?.();
    const after = process.memoryUsage();
    const pods = sim.store.count('pods');
    return [
      {
        name: `sim: heap for 5,000 nodes + ${pods.toLocaleString('en-US')} pods`,
        value: (after.heapUsed - before.heapUsed) / 1024 / 1024,
        unit: 'MiB',
        target: '≤ 1024 MiB',
        pass: after.heapUsed - before.heapUsed <= 2 ** 30,
        definition: 'heapUsed after a forced GC, minus heapUsed before the simulator started',
      },
      {
        name: 'sim: process RSS with 5,000 nodes + 50,000 pods',
        value: after.rss / 1024 / 1024,
        unit: 'MiB',
        target: '≤ 1024 MiB',
        pass: after.rss <= 2 ** 30,
        definition: 'resident set size of the whole bench process with that simulator running',
      },
    ];
  } finally {
    await sim.close();
  }
}

/** Simulator benchmarks (aggregated by bench/run.ts); whole run stays well under a minute. */
export async function run(): Promise<BenchResult[]> {
  return [
    ...(await listBench()),
    ...(await fanoutBench()),
    ...(await writeBench()),
    ...(await memoryBench()),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (rs) => {
      for (const r of rs)
        console.log(
          `${r.name.padEnd(72)} ${String(r.value).padStart(10)} ${r.unit}${r.target ? `  (target ${r.target})` : ''}`,
        );
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
