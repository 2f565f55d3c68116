import { describe, expect, it } from 'vitest';
import { nodeQuery, nodeSortColumns, parseNodeQuery } from '@/lib/protocol/node-query';
import { evaluateNodeQuery, NodeQueryError } from '@/lib/shared/node-query';
import { SmartCache } from './smart-cache';
import { rawNode } from './testing/node-fixture';

/** Reads through the canonical query string, as the REST list and a window subscription do. */
function list(c: SmartCache, search: string) {
  const r = parseNodeQuery(search);
  if (!r.ok) throw new Error(r.message);
  return c.listNodes(r.query, r.window);
}

function cache(now = { t: 0 }, staticRecheckMs = 3_600_000) {
  return new SmartCache({ cluster: 'c1', now: () => now.t, staticRecheckMs });
}

/** A seeded generator of integers in [0, n) */
function seeded(seed: number): (n: number) => number {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

/** A random change to the node `name`: delete, new pod aggregate, or an update (an add when absent). */
function churn(c: SmartCache, rnd: (n: number) => number, name: string, step: number, op = rnd(4)): void {
  if (op === 0) c.deleteNode(name);
  else if (op === 1)
    c.setPodStats(name, {
      count: rnd(50),
      cpuRequestsMilli: rnd(8000),
      memoryRequestsBytes: rnd(1e9),
      phases: {},
    });
  else
    c.upsertNode(
      rawNode({
        name,
        rv: step + 10,
        ready: rnd(3) === 0 ? 'False' : 'True',
        unschedulable: rnd(2) === 0,
        labels: rnd(2) ? { 'node-role.kubernetes.io/worker': '' } : {},
        kubelet: `v1.${rnd(40)}.0`,
        created: `2025-0${1 + rnd(9)}-01T00:00:00Z`,
      }),
    );
}

describe('SmartCache updates', () => {
  it('emits add, classified update and delete with increasing seq', () => {
    const c = cache();
    const [add] = c.upsertNode(rawNode({ name: 'a', rv: 1 }));
    expect(add).toMatchObject({ type: 'node_add', seq: 1, name: 'a', cluster: 'c1' });
    const [upd] = c.upsertNode(rawNode({ name: 'a', rv: 2, unschedulable: true }));
    expect(upd).toMatchObject({
      type: 'node_update',
      seq: 2,
      changes: ['schedulable'],
      resourceVersion: '2',
    });
    const [del] = c.deleteNode('a', '3');
    expect(del).toMatchObject({ type: 'node_delete', seq: 3, resourceVersion: '3' });
    expect(c.getNode('a')).toBeUndefined();
    expect(c.deleteNode('a')).toEqual([]);
    expect(c.seq).toBe(3);
  });

  it('drops heartbeat noise but keeps the observed resourceVersion', () => {
    const c = cache();
    c.upsertNode(rawNode({ name: 'a', rv: 1 }));
    const before = c.getNode('a');
    expect(c.upsertNode(rawNode({ name: 'a', rv: 5, heartbeat: '2026-03-03T00:00:00Z' }))).toEqual([]);
    expect(c.counters.dropped).toBe(1);
    expect(c.seq).toBe(1);
    expect(c.getNode('a')?.resourceVersion).toBe('5');
    expect(c.getNode('a')?.labels).toBe(before?.labels);
  });

  it('shares the static part by reference and re-checks it at most every staticRecheckMs', () => {
    const now = { t: 0 };
    const c = cache(now, 1000);
    c.upsertNode(rawNode({ name: 'a', rv: 1 }));
    const st = c.getNode('a')?.static;
    c.upsertNode(rawNode({ name: 'a', rv: 2, labels: { x: 'y' } }));
    expect(c.getNode('a')?.static).toBe(st);
    // capacity change inside the window is not looked at yet
    expect(c.upsertNode(rawNode({ name: 'a', rv: 3, labels: { x: 'y' }, cpu: '16' }))).toEqual([]);
    now.t = 1000;
    const [ch] = c.upsertNode(rawNode({ name: 'a', rv: 4, labels: { x: 'y' }, cpu: '16' }));
    expect(ch?.changes).toEqual(['capacity']);
    expect(c.getNode('a')?.static).not.toBe(st);
  });

  it('treats a uid change as delete + add', () => {
    const c = cache();
    c.upsertNode(rawNode({ name: 'a', rv: 1 }));
    const out = c.upsertNode(rawNode({ name: 'a', rv: 9, uid: 'other' }));
    expect(out.map((x) => x.type)).toEqual(['node_delete', 'node_add']);
  });

  it('replaceAll diffs a relist: add, update, delete, nothing for unchanged', () => {
    const c = cache();
    c.replaceAll([
      rawNode({ name: 'a', rv: 1 }),
      rawNode({ name: 'b', rv: 1 }),
      rawNode({ name: 'c', rv: 1 }),
    ]);
    const out = c.replaceAll([
      rawNode({ name: 'a', rv: 1 }),
      rawNode({ name: 'b', rv: 7, taints: [{ key: 'k', effect: 'NoExecute' }], cpu: '4' }),
      rawNode({ name: 'd', rv: 8 }),
    ]);
    expect(out.map((x) => [x.type, x.name, x.changes])).toEqual([
      ['node_update', 'b', ['taints', 'capacity']],
      ['node_add', 'd', []],
      ['node_delete', 'c', []],
    ]);
    expect(c.digestLines()).toEqual(['a@1', 'b@7', 'd@8']);
  });

  it('emits pods updates only when the aggregate differs', () => {
    const c = cache();
    c.upsertNode(rawNode({ name: 'a' }));
    const stats = { count: 2, cpuRequestsMilli: 200, memoryRequestsBytes: 10, phases: { Running: 2 } };
    expect(c.setPodStats('a', stats)[0]?.changes).toEqual(['pods']);
    expect(c.setPodStats('a', { ...stats, phases: { Running: 2 } })).toEqual([]);
    expect(c.setPodStats('zzz', stats)).toEqual([]);
  });

  it('keeps a replay log and resets it', () => {
    const c = cache();
    c.upsertNode(rawNode({ name: 'a' }));
    c.upsertNode(rawNode({ name: 'b' }));
    const r = c.changesSince(1);
    expect(r.ok && r.changes.map((x) => x.name)).toEqual(['b']);
    expect(c.resetHistory()).toBe(2);
    expect(c.changesSince(1)).toEqual({ ok: false, reason: 'too_old' });
  });
});

describe('SmartCache.listNodes', () => {
  const c = cache();
  for (let i = 0; i < 50; i++) {
    c.upsertNode(
      rawNode({
        name: `node-${String(i).padStart(3, '0')}`,
        ip: `10.1.0.${i}`,
        labels: {
          zone: i % 2 ? 'a' : 'b',
          ...(i % 10 === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
        ready: i % 7 === 0 ? 'False' : 'True',
        unschedulable: i % 5 === 0,
        taints: i % 3 === 0 ? [{ key: 'dedicated', effect: 'NoSchedule' }] : undefined,
        cpu: String(2 + (i % 4)),
        kubelet: i % 2 ? 'v1.9.0' : 'v1.10.0',
      }),
    );
  }

  it('pages in name order by default and reports the total', () => {
    const r = list(c, 'offset=10&limit=5');
    expect(r.total).toBe(50);
    expect(r.items.map((n) => n.name)).toEqual(['node-010', 'node-011', 'node-012', 'node-013', 'node-014']);
    expect(list(c, 'sort=-name&limit=1').items[0]?.name).toBe('node-049');
  });

  it('filters by text, selector, status, role, schedulable and taint', () => {
    expect(list(c, 'text=10.1.0.4').items.map((n) => n.name)).toEqual([
      'node-004',
      'node-040',
      'node-041',
      'node-042',
      'node-043',
      'node-044',
      'node-045',
      'node-046',
      'node-047',
      'node-048',
      'node-049',
    ]);
    expect(list(c, 'labelSelector=zone%3Da').total).toBe(25);
    expect(
      list(c, `labelSelector=${encodeURIComponent('zone in (a,b),!node-role.kubernetes.io/control-plane')}`)
        .total,
    ).toBe(45);
    expect(list(c, 'status=NotReady').total).toBe(8);
    expect(list(c, 'status=NotReady,Ready').total).toBe(50);
    expect(list(c, 'role=control-plane').total).toBe(5);
    expect(list(c, 'schedulable=false').total).toBe(10);
    expect(list(c, 'taint=dedicated:NoSchedule').total).toBe(17);
    expect(list(c, 'taint=:NoExecute').total).toBe(0);
    expect(list(c, 'schedulable=true&labelSelector=zone%3Db&status=Ready').total).toBe(17);
  });

  it('sorts by other columns with name as tie-break, and re-sorts after changes', () => {
    const byCpu = list(c, 'sort=cpu').items;
    expect(byCpu).toHaveLength(50);
    const byVersion = list(c, 'sort=version&limit=1').items[0];
    expect(byVersion?.static.nodeInfo.kubeletVersion).toBe('v1.9.0');
    const sched = list(c, 'sort=-schedulable&limit=10').items;
    expect(sched.every((n) => n.unschedulable)).toBe(true);
    // problems first: the 8 NotReady nodes lead the ascending status order
    const st = list(c, 'sort=status&limit=8').items;
    expect(st.every((n) => n.status === 'NotReady')).toBe(true);
    c.setPodStats('node-025', {
      count: 99,
      cpuRequestsMilli: 0,
      memoryRequestsBytes: 0,
      phases: { Running: 99 },
    });
    expect(list(c, 'sort=-pods&limit=1').items[0]?.name).toBe('node-025');
    c.upsertNode(rawNode({ name: 'node-100', rv: 3 }));
    c.setPodStats('node-100', {
      count: 200,
      cpuRequestsMilli: 0,
      memoryRequestsBytes: 0,
      phases: { Running: 200 },
    });
    expect(list(c, 'sort=-pods&limit=1').items[0]?.name).toBe('node-100');
    c.deleteNode('node-100');
    expect(list(c, 'sort=-pods').total).toBe(50);
  });

  it('throws a named error for a bad selector', () => {
    expect(() => list(c, 'labelSelector=zone%20in%20a')).toThrow(NodeQueryError);
  });
});

describe('SmartCache column orders', () => {
  it('stay equal to a fresh sort through random adds, updates, pod changes and deletes', () => {
    const c = cache();
    const rnd = seeded(42);
    for (let i = 0; i < 60; i++) c.upsertNode(rawNode({ name: `n${i}`, cpu: String(1 + rnd(8)) }));
    for (const by of nodeSortColumns) c.listNodes(nodeQuery({ sort: by })); // materialize every order
    for (let step = 0; step < 600; step++) churn(c, rnd, `n${rnd(80)}`, step);
    for (const by of nodeSortColumns) {
      const got = c.listNodes(nodeQuery({ sort: by })).items.map((n) => n.name);
      const want = evaluateNodeQuery(c.listNodes(nodeQuery()).items, nodeQuery({ sort: by })).items.map(
        (n) => n.name,
      );
      expect(got, by).toEqual(want);
    }
  });
});

describe('SmartCache filtered lists', () => {
  it('read views that stay equal to a fresh evaluation through churn, heartbeats and evictions', () => {
    const c = cache();
    const rnd = seeded(7);
    // more distinct filtered queries than the cache keeps views for (8), so views are evicted and rebuilt
    const queries = [
      'status=Ready',
      'status=NotReady&sort=-cpu',
      'schedulable=false&sort=age',
      'schedulable=true&sort=-pods',
      'role=worker&sort=version',
      'labelSelector=node-role.kubernetes.io%2Fworker&sort=-memory',
      'labelSelector=!node-role.kubernetes.io%2Fworker',
      'text=n1&sort=-name',
      'text=n2',
      'status=Ready&schedulable=true&sort=-age',
      'role=worker&status=NotReady',
      'text=n&sort=-pods',
    ];
    for (let i = 0; i < 50; i++) churn(c, rnd, `n${i}`, 0, 2);
    for (let step = 0; step < 1500; step++) {
      const name = `n${rnd(70)}`;
      const held = c.getNode(name);
      // one step in five is a heartbeat: only the resourceVersion moves, no change is emitted
      if (rnd(5) === 0 && held)
        expect(c.upsertSummary({ ...held, resourceVersion: `hb${step}` })).toEqual([]);
      else churn(c, rnd, name, step);
      const q = queries[rnd(queries.length)]!;
      const win = `&offset=${rnd(20)}&limit=${1 + rnd(30)}`;
      const r = parseNodeQuery(q + win);
      if (!r.ok) throw new Error(r.message);
      const got = c.listNodes(r.query, r.window);
      const want = evaluateNodeQuery(c.listNodes(nodeQuery()).items, r.query, r.window);
      expect(got.total, `${q} at step ${step}`).toBe(want.total);
      expect(
        got.items.map((n) => n.name),
        `${q} at step ${step}`,
      ).toEqual(want.items.map((n) => n.name));
      // the cache's current objects (heartbeat resourceVersions included), not what a view held before
      for (const n of got.items) expect(n).toBe(c.getNode(n.name));
    }
  });
});
