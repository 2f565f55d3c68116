import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { RealtimeManager } from '@/lib/realtime/manager';
import { startSimulator } from '@/lib/sim';

/**
 * One scale measurement per process, run by bench/scale-bench.ts with --expose-gc so that forced
 * GCs are exact and neither the harness nor an earlier measurement sits in the heap measured.
 * Simulators run in child processes of this one (their CPU and heap are not billed to the app).
 * Prints one JSON line of figures.
 */
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const MiB = 2 ** 20;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

/** Spawns a simulator host (a bench/*-child.ts) and resolves with its first JSON line. */
async function host(
  file: string,
  args: string[],
): Promise<{ proc: ChildProcess; hello: Record<string, unknown> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, file), ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: path.join(import.meta.dirname, '..'),
  });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it was ready`)));
  });
  return { proc, hello: JSON.parse(first) as Record<string, unknown> };
}

async function stop(proc: ChildProcess): Promise<void> {
  proc.stdin?.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, 10_000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * The clusters whose state last went to `ready`, from the manager's own status events: polling
 * clusterStatus() instead would bill its per-call memory estimate (JSON of sampled nodes, every
 * cluster, every few ms) to the sync being measured.
 */
function readyClusters(mgr: RealtimeManager): Set<string> {
  const ready = new Set<string>();
  mgr.subscribe((e) => {
    if (e.kind !== 'cluster_status') return;
    if (e.status === 'ready') ready.add(e.cluster);
    else ready.delete(e.cluster);
  });
  return ready;
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** startSimulator() with `nodes` nodes in this process: time, heap and RSS. */
async function simStart(nodes: number) {
  const h0 = heapAfterGc();
  const t0 = performance.now();
  const sim = await startSimulator({ nodes, seed: 42, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
  const ms = performance.now() - t0;
  const heapMiB = (heapAfterGc() - h0) / MiB;
  const rssMiB = process.memoryUsage().rss / MiB;
  await sim.close();
  return { ms, heapMiB, rssMiB };
}

/** The app's realtime manager syncing one simulated cluster over HTTPS (simulator in a child). */
async function coldSync(nodes: number) {
  const { proc, hello } = await host('realtime-sim-child.ts', [String(nodes), '0']);
  try {
    const h0 = heapAfterGc();
    const mgr = new RealtimeManager({ watchdogMs: 300_000 });
    mgr.registerCluster('bench', hello.kubeconfig as string);
    const ready = readyClusters(mgr);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    mgr.start();
    await until(() => ready.has('bench'), 600_000, 'cold sync');
    const ms = performance.now() - t0;
    const cpu = cpuMs(c0);
    const st = mgr.clusterStatus('bench');
    const heapPer1k = ((heapAfterGc() - h0) / MiB / st.nodes) * 1000;
    await mgr.shutdown();
    return { nodes: st.nodes, ms, cpuMs: cpu, listMs: st.stats.lastListMs.nodes, heapPer1k };
  } finally {
    await stop(proc);
  }
}

/**
 * `clusters` clusters of `nodes` nodes, served by two simulator hosts (one per core), synced by
 * one manager; before them, one cluster of the same size alone in this process as the baseline.
 */
async function manyClusters(clusters: number, nodes: number) {
  const half = Math.ceil(clusters / 2);
  const hosts = await Promise.all([
    host('scale-sims-child.ts', [String(half), String(nodes), '1']),
    host('scale-sims-child.ts', [String(clusters - half), String(nodes), String(1 + half)]),
  ]);
  try {
    const kubeconfigs = hosts.flatMap((h) => h.hello.kubeconfigs as string[]);
    const one = async () => {
      const h0 = heapAfterGc();
      const mgr = new RealtimeManager({ watchdogMs: 300_000 });
      mgr.registerCluster('single', kubeconfigs[0] as string);
      const ready = readyClusters(mgr);
      const t0 = performance.now();
      mgr.start();
      await until(() => ready.has('single'), 600_000, 'one cluster');
      const ms = performance.now() - t0;
      const heapMiB = (heapAfterGc() - h0) / MiB;
      await mgr.shutdown();
      return { ms, heapMiB };
    };
    const single = await one();
    const h0 = heapAfterGc();
    const mgr = new RealtimeManager({ watchdogMs: 300_000 });
    kubeconfigs.forEach((kc, i) => mgr.registerCluster(`c-${i}`, kc));
    const ready = readyClusters(mgr);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    mgr.start();
    await until(() => ready.size === kubeconfigs.length, 600_000, 'all clusters');
    const ms = performance.now() - t0;
    const cpu = cpuMs(c0);
    const cached = mgr.statuses().reduce((a, s) => a + s.nodes, 0);
    const heapMiB = (heapAfterGc() - h0) / MiB;
    const rssMiB = process.memoryUsage().rss / MiB;
    await mgr.shutdown();
    return { clusters: kubeconfigs.length, cached, ms, cpuMs: cpu, heapMiB, rssMiB, single };
  } finally {
    await Promise.all(hosts.map((h) => stop(h.proc)));
  }
}

const [mode, a, b] = process.argv.slice(2);
const result =
  mode === 'sim-start'
    ? await simStart(Number(a))
    : mode === 'sync'
      ? await coldSync(Number(a))
      : mode === 'clusters'
        ? await manyClusters(Number(a), Number(b))
        : undefined;
if (!result) throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
