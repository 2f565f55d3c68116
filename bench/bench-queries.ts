import { parseNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';

/**
 * Ten live queries mixing sort columns, directions and filters, over nodes labelled zone=a|b|c
 * (bench/windows-bench.ts, bench/scale-change-child.ts). The last one is the plain name order.
 */
export const BENCH_QUERIES: NodeQuery[] = [
  'sort=-cpu',
  'status=NotReady,Unknown&sort=name',
  'labelSelector=zone%3Da&sort=-pods',
  'schedulable=false&sort=age',
  'sort=-memory',
  'text=10.0.1&sort=ip',
  'labelSelector=zone%20in%20(a%2Cb)&status=Ready&sort=-version',
  'taint=tainted&sort=taints',
  'role=worker&sort=-status',
  '',
].map((s) => {
  const r = parseNodeQuery(s);
  if (!r.ok) throw new Error(r.message);
  return r.query;
});

/**
 * A seeded generator of integers in [0, n): the same run of changes every time. mulberry32: the
 * LCG these benches used before multiplied past 2^53, lost its low bits and fell into a cycle of
 * about 10,000 states, so at 65,000 nodes it only ever touched about 7,000 of them.
 */
export function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}
