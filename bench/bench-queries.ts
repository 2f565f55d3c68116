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

/** A seeded generator of integers in [0, n): the same run of changes every time. */
export function prng(seed: number): (n: number) => number {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}
