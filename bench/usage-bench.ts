import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { listNodeUsage } from '@/lib/node-metrics/metrics-api';
import { startChild } from './realtime-bench';
import { percentile } from './stats';
import type { BenchResult } from './types';

/**
 * One usage sample of a large cluster, as NodeMetricsSampler takes it (lib/node-metrics): every
 * node's NodeMetrics in one list (the baseline: what it did at any size) against GETs of the names a
 * table window shows (what it does above 2,000 nodes). The simulator runs in its own process; its CPU
 * is read from /proc, this process's from process.cpuUsage.
 */
export const notes = `A sample is one call of listNodeUsage through client-node over HTTPS against the simulator (its own
process). Wall: the call's time. CPU here: this process (parse and map). Simulator CPU: its process's
utime + stime from /proc over the call. Medians of ${5} samples per way, alternating.`;

const NODES = Number(process.env.USAGE_BENCH_NODES ?? 65_000);
/** the rows a table window holds around one screen */
const SHOWN = 60;
const ROUNDS = 5;
const ticks = 100; // USER_HZ on Linux

function procCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

export async function run(): Promise<BenchResult[]> {
  const sim = await startChild(NODES, 0, 300_000);
  try {
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const all = await listNodeUsage(kc);
    if (all.size !== NODES) throw new Error(`the simulator served ${all.size} NodeMetrics, not ${NODES}`);
    const shown = [...all.keys()].sort().slice(1000, 1000 + SHOWN);
    const take = async (names?: string[]) => {
      const sim0 = procCpuMs(sim.proc.pid!);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const got = await listNodeUsage(kc, names);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (names && got.size !== names.length) throw new Error(`read ${got.size} of ${names.length} names`);
      return { wall, cpu: (cpu.user + cpu.system) / 1000, sim: procCpuMs(sim.proc.pid!) - sim0 };
    };
    const full: Awaited<ReturnType<typeof take>>[] = [];
    const named: Awaited<ReturnType<typeof take>>[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      full.push(await take());
      named.push(await take(shown));
    }
    const med = (xs: { wall: number; cpu: number; sim: number }[], k: 'wall' | 'cpu' | 'sim') =>
      percentile(
        xs.map((x) => x[k]),
        50,
      );
    const row = (what: string, k: 'wall' | 'cpu' | 'sim'): BenchResult => ({
      name: `${NODES.toLocaleString('en-US')} nodes, one usage sample of ${SHOWN} shown nodes: ${what}`,
      value: med(named, k),
      unit: 'ms',
      baseline: { name: 'every node listed', value: med(full, k) },
      definition: `${SHOWN} GETs, 8 in flight (baseline: one list of ${NODES.toLocaleString('en-US')})`,
    });
    return [row('wall', 'wall'), row('CPU here', 'cpu'), row('simulator CPU', 'sim')];
  } finally {
    sim.send({ cmd: 'exit' });
    sim.proc.stdin?.end();
  }
}
