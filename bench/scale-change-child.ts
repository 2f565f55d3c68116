import { nodeSortColumns, type NodeQuery } from '@/lib/protocol/node-query';
import { QueryView } from '@/lib/realtime/query-view';
import { SmartCache } from '@/lib/realtime/smart-cache';
import { rawNode } from '@/lib/realtime/testing/node-fixture';
import { BENCH_QUERIES, prng } from './bench-queries';

/**
 * The cost of one change to a cluster of `nodes` nodes with every sort order built and ten live
 * query views (sorted, filtered, counted) over it: the cache update (classification, the column
 * orders) plus every view's update. Run by bench/scale-bench.ts, one size per process so the sizes
 * do not share a heap. Baseline: recounting the ten queries by a scan, what a change would cost
 * without incremental orders and views. Prints one JSON line.
 */
const nodes = Number(process.argv[2] ?? 5000);
const CHANGES = 30_000;
const QUERIES = BENCH_QUERIES;
const rnd = prng(7);

function node(i: number, rv: number) {
  return rawNode({
    name: `node-${i}`,
    rv,
    labels: { zone: ['a', 'b', 'c'][rnd(3)] as string, 'node-role.kubernetes.io/worker': '' },
    ready: rnd(20) === 0 ? 'False' : 'True',
    unschedulable: rnd(30) === 0,
    taints: rnd(30) === 0 ? [{ key: 'gpu', effect: 'NoSchedule' }] : undefined,
    ip: `10.0.${i % 256}.${i % 250}`,
    cpu: String(4 + (i % 8)),
    kubelet: `v1.${28 + (i % 4)}.${i % 3}`,
    created: `2025-0${1 + (i % 9)}-1${i % 9}T00:00:00Z`,
  });
}

const cache = new SmartCache({ cluster: 'bench' });
for (let i = 0; i < nodes; i++) cache.upsertNode(node(i, 1));
for (const sort of nodeSortColumns) cache.listNodes({ ...(QUERIES[9] as NodeQuery), sort });
// scanNodes: the live windows' views only (a filtered listNodes would also keep a REST view in the cache)
const views = QUERIES.map((q) => {
  const ascending = { ...q, dir: 'asc' as const };
  return new QueryView(ascending, cache.scanNodes(ascending), cache.seq);
});

// inputs made up front, so only the change itself is timed: half node updates (labels, readiness,
// cordon, taints), half pod aggregates (the cpu, memory and pods columns move)
const updates = Array.from({ length: CHANGES }, (_, s) => node(rnd(nodes), 10 + s));
const pods = Array.from({ length: CHANGES }, () => ({
  name: `node-${rnd(nodes)}`,
  stats: { count: rnd(110), cpuRequestsMilli: rnd(8000), memoryRequestsBytes: rnd(2 ** 34), phases: {} },
}));
const apply = (s: number) => {
  const p = pods[s] as (typeof pods)[number];
  const changes = s % 2 ? cache.upsertNode(updates[s]) : cache.setPodStats(p.name, p.stats);
  for (const c of changes) for (const v of views) v.apply(c);
  return changes.length;
};
for (let s = 0; s < 2000; s++) apply(s); // warm-up
let emitted = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let s = 2000; s < CHANGES; s++) emitted += apply(s);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(c0);

// the views' counts are live; check them against a scan once, so a wrong view cannot look fast
for (const [i, v] of views.entries()) {
  const fresh = cache.scanNodes(QUERIES[i] as NodeQuery).length;
  if (v.total !== fresh) throw new Error(`view ${i}: ${v.total} rows, a scan finds ${fresh}`);
}
const r0 = performance.now();
for (let k = 0; k < 5; k++) for (const q of QUERIES) cache.scanNodes(q);
const rescanMs = (performance.now() - r0) / 5;
process.stdout.write(
  `${JSON.stringify({
    nodes,
    changes: CHANGES - 2000,
    emitted,
    wallUsPerChange: (wall * 1000) / (CHANGES - 2000),
    cpuUsPerChange: (cpu.user + cpu.system) / (CHANGES - 2000),
    rescanMs,
  })}\n`,
);
