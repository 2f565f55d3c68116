import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './types';

/**
 * Scale in the server (issue 12): the simulator at 65,000 nodes, the app's informers syncing 5,000
 * and 65,000 nodes over HTTPS, the server heap, 100 clusters in one process, and the cost of one
 * change as the cluster grows. Each measurement runs in a fresh child process with --expose-gc
 * (bench/scale-child.ts, bench/scale-change-child.ts), one at a time: forced GCs are exact, the
 * harness's own heap is not in the figures, and the 65,000-node runs do not overlap.
 */
export const notes = `Clusters are the simulator's (lib/sim) with nodes only (no pods), served over HTTPS from a
separate process; the app side is \`RealtimeManager\` with its real informers (client-node auth, list
pages of 500, watches). The 5,000-node cold sync runs three times and its median is the baseline; the
65,000-node sync runs once. Heap figures are heapUsed after forced GCs minus before, in the measuring
process only.`;

interface Sync {
  nodes: number;
  ms: number;
  cpuMs: number;
  listMs?: number;
  heapPer1k: number;
}
interface PerChange {
  nodes: number;
  changes: number;
  wallUsPerChange: number;
  cpuUsPerChange: number;
  rescanMs: number;
}

function child<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, file), ...args],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(import.meta.dirname, '..') },
    );
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) return reject(new Error(`${file} ${args.join(' ')} exited with ${code}`));
      resolve(JSON.parse(last) as T);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const n = (x: number) => x.toLocaleString('en');
/** the children report MiB; the targets are in MB */
const mb = (mib: number) => (mib * 2 ** 20) / 1e6;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [
    {
      name: 'host load average (1 min) when the suite started',
      value: os.loadavg()[0] ?? 0,
      unit: `on ${os.cpus().length} cores`,
      definition: 'os.loadavg()[0]; near or above the core count, other work competed with this suite',
    },
  ];
  type Start = { ms: number; heapMiB: number; rssMiB: number };
  const start5 = await child<Start>('scale-child.ts', ['sim-start', '5000']);
  const start65 = await child<Start>('scale-child.ts', ['sim-start', '65000']);
  results.push(
    {
      name: 'simulator: start with 65,000 nodes',
      value: start65.ms,
      unit: 'ms',
      baseline: { name: 'start with 5,000 nodes', value: start5.ms },
      definition:
        'startSimulator() called → listening over HTTPS with every node seeded (no pods), in a process of its own',
    },
    {
      name: 'simulator: heap with 65,000 nodes',
      value: start65.heapMiB,
      unit: 'MiB',
      baseline: { name: 'with 5,000 nodes', value: start5.heapMiB },
      definition: `heapUsed after forced GCs minus before the start (process RSS then: ${start65.rssMiB.toFixed(0)} MiB; with 5,000 nodes ${start5.rssMiB.toFixed(0)} MiB)`,
    },
  );

  const sync5: Sync[] = [];
  for (let i = 0; i < 3; i++) sync5.push(await child<Sync>('scale-child.ts', ['sync', '5000']));
  const sync65 = await child<Sync>('scale-child.ts', ['sync', '65000']);
  const base = median(sync5.map((s) => s.ms));
  const baseCpu = median(sync5.map((s) => s.cpuMs));
  const baseHeap = median(sync5.map((s) => s.heapPer1k));
  results.push(
    {
      name: `cold sync, ${n(sync65.nodes)} nodes`,
      value: sync65.ms,
      unit: 'ms',
      baseline: { name: `${n(sync5[0]?.nodes ?? 5000)} nodes, median of 3`, value: base },
      definition:
        'manager started → cluster ready: the node list paged in over HTTPS (500 per page), parsed, summarized and cached, the (empty) pod list, the watches started; the simulator in another process',
    },
    {
      name: 'cold sync: 65,000 nodes / 5,000 nodes',
      value: sync65.ms / base,
      unit: '×',
      target: '≤ 13 × (linear)',
      definition: `the wall time above divided by its baseline (the 5,000-node runs: ${sync5.map((s) => s.ms.toFixed(0)).join(', ')} ms)`,
    },
    {
      name: 'cold sync CPU time in the app process, 65,000 nodes',
      value: sync65.cpuMs,
      unit: 'ms',
      baseline: { name: '5,000 nodes, median of 3', value: baseCpu },
      definition: `CPU time of the measuring process from manager start to ready (${(sync65.cpuMs / baseCpu).toFixed(1)} × the 5,000-node figure); immune to the host's run queue, unlike the wall time`,
    },
    {
      name: 'server heap per 1,000 nodes, 65,000 nodes synced',
      value: mb(sync65.heapPer1k),
      unit: 'MB',
      target: '≤ 4.5 MB per 1,000 nodes',
      baseline: { name: '5,000 nodes synced, median of 3', value: mb(baseHeap) },
      definition:
        'heapUsed after forced GCs with the cluster ready, minus before the manager was made, per 1,000 nodes (summaries, the name order, replay log, informer state); MB = 10^6 bytes',
    },
  );

  type Many = {
    clusters: number;
    cached: number;
    ms: number;
    cpuMs: number;
    heapMiB: number;
    rssMiB: number;
    single: { ms: number; heapMiB: number };
  };
  const many = await child<Many>('scale-child.ts', ['clusters', '100', '1000']);
  results.push(
    {
      name: `${many.clusters} clusters × 1,000 nodes in one process: all synced`,
      value: many.ms / 1000,
      unit: 's',
      target: '≤ 60 s',
      baseline: { name: 'one cluster of 1,000 nodes alone', value: many.single.ms / 1000 },
      definition: `one manager, ${many.clusters} clusters registered, started → every cluster ready (${n(many.cached)} nodes cached); the clusters are ${many.clusters} simulators with distinct seeds in two other processes (one per core), each its own HTTPS server; app CPU time ${(many.cpuMs / 1000).toFixed(1)} s`,
    },
    {
      name: `${many.clusters} clusters × 1,000 nodes in one process: heap`,
      value: mb(many.heapMiB),
      unit: 'MB',
      target: '≤ 600 MB',
      baseline: { name: 'one cluster of 1,000 nodes alone', value: mb(many.single.heapMiB) },
      definition: `heapUsed after forced GCs with every cluster ready, minus before the manager was made, MB = 10^6 bytes (process RSS then: ${many.rssMiB.toFixed(0)} MiB)`,
    },
  );

  const small: PerChange[] = [];
  const large: PerChange[] = [];
  for (let i = 0; i < 3; i++) {
    small.push(await child<PerChange>('scale-change-child.ts', ['5000']));
    large.push(await child<PerChange>('scale-change-child.ts', ['65000']));
  }
  const cpu5 = median(small.map((r) => r.cpuUsPerChange));
  const cpu65 = median(large.map((r) => r.cpuUsPerChange));
  const scan5 = median(small.map((r) => r.rescanMs));
  const scan65 = median(large.map((r) => r.rescanMs));
  results.push(
    {
      name: 'one change with every sort order and 10 live query views, 65,000 nodes: CPU',
      value: cpu65,
      unit: 'µs',
      baseline: { name: 'the same at 5,000 nodes', value: cpu5 },
      definition: `SmartCache update (classification, all 11 column orders) + 10 QueryViews (filter, order, count) per change; ${n(large[0]?.changes ?? 0)} changes on random nodes (half node updates, half pod aggregates); process CPU time / changes, GC included; median of 3 processes per size (at 5,000: ${small.map((r) => r.cpuUsPerChange.toFixed(0)).join(', ')} µs; at 65,000: ${large.map((r) => r.cpuUsPerChange.toFixed(0)).join(', ')} µs)`,
    },
    {
      name: 'the same, 65,000 nodes / 5,000 nodes',
      value: cpu65 / cpu5,
      unit: '×',
      target: '≤ 2 × (ours; 13 × is a rescan)',
      definition:
        'the issue asks that a change cost no rescan, without a number; the target is ours: 13 × the nodes may cost at most twice as much per change',
    },
    {
      name: 'without incremental orders and views: recount the 10 queries by a scan, 65,000 nodes',
      value: scan65,
      unit: 'ms',
      baseline: { name: 'the same at 5,000 nodes', value: scan5 },
      definition: `what each change would cost if the counts were rescanned (10 filtered passes over the maintained orders, wall time, median of 3 processes): ${(scan65 / scan5).toFixed(1)} × the 5,000-node figure, and ${n(Math.round((scan65 * 1000) / cpu65))} × the incremental change above`,
    },
  );
  return results;
}
