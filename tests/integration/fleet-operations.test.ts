import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseTestClient, type AnyMessage } from '@/lib/push/testing/clients';
import { eventually } from './helpers/app-server';
import { startSimApp, type SimApp } from './helpers/sim-app';

// Safe fleet operations through the real app and the simulator: max unavailable, stop after N
// failures, audit rows with the real outcome, and per-pod drain progress naming the budget.
let t: SimApp;
let names: string[];
const ops = '/api/v1/clusters/sim/operations';
const unschedulable = (node: string) =>
  (t.sim.store.getNode(node).spec as { unschedulable?: boolean }).unschedulable === true;
const drainParams = { ignoreDaemonSets: true, deleteEmptyDirData: true, timeoutSeconds: 30 };

type Op = {
  id: string;
  state: string;
  reason?: string;
  waiting?: string;
  results: Record<string, { state: string; message?: string }>;
  pods?: Record<
    string,
    Array<{ name: string; state: string; pdb?: { name: string; disruptionsAllowed?: number } }>
  >;
};
const operation = async (id: string): Promise<Op> =>
  (await t.api('GET', `/api/v1/operations/${id}`)).json.operation as Op;
const finished = (id: string, timeoutMs = 60_000) =>
  eventually(
    async () => {
      const op = await operation(id);
      return op.state !== 'running' && op;
    },
    `operation ${id} to finish`,
    timeoutMs,
  );
type AuditRow = { action: string; target: string; result: string; error: string | null; parameters: any };
const audit = async (query: string): Promise<AuditRow[]> =>
  (await t.api('GET', `/api/v1/audit?limit=200&${query}`)).json.items as AuditRow[];

/** A pod nothing owns: drain refuses it unless forced. */
function barePod(node: string, name: string) {
  t.sim.store.createPod({
    metadata: { name, namespace: 'apps', labels: { bare: 'yes' } },
    spec: { nodeName: node, containers: [{ name: 'main', image: 'nginx' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

beforeAll(async () => {
  t = await startSimApp({ nodes: 60, podsPerNode: 2 });
  names = t.sim.store.nodeNames().sort();
}, 120_000);
afterAll(() => t?.close());

describe('batch options', () => {
  it('refuses bad values with 422 naming the field, and starts nothing', async () => {
    const zero = await t.api('POST', ops, { kind: 'drain', nodes: [names[0]], maxUnavailable: 0 });
    expect(zero.status).toBe(422);
    expect(zero.json.error.message).toMatch(/^maxUnavailable: must be a whole number/);
    const labels = await t.api('POST', ops, {
      kind: 'labels',
      nodes: [names[0]],
      params: { set: { a: 'b' } },
      maxUnavailable: 3,
    });
    expect(labels.status).toBe(422);
    expect(labels.json.error.message).toMatch(/^maxUnavailable: applies to cordon and drain only/);
    const stop = await t.api('POST', `${ops}/preview`, {
      kind: 'cordon',
      nodes: [names[0]],
      stopAfterFailures: -1,
    });
    expect(stop.status).toBe(422);
    expect(stop.json.error.message).toMatch(/^stopAfterFailures:/);
    expect(unschedulable(names[0]!)).toBe(false);
  });

  it('previews the nodes a selector affects and which are cordoned already', async () => {
    t.sim.store.setNodeLabels(names[1]!, { wave: 'one' });
    t.sim.store.setNodeLabels(names[2]!, { wave: 'one' });
    t.sim.store.cordonNode(names[2]!);
    const r = await eventually(async () => {
      const p = await t.api('POST', `${ops}/preview`, {
        kind: 'drain',
        selector: 'wave=one',
        maxUnavailable: 1,
      });
      return p.json.preview?.nodes?.some((n: { unschedulable: boolean }) => n.unschedulable) && p;
    }, 'preview to see the cordon');
    expect(r.status).toBe(200);
    expect(r.json.preview).toMatchObject({
      kind: 'drain',
      total: 2,
      nodes: [
        { name: names[1], unschedulable: false },
        { name: names[2], unschedulable: true },
      ],
      unavailableNow: 1,
      maxUnavailable: 1,
    });
    expect(r.json.preview.warnings[0]).toMatch(/unschedulable already \(max unavailable 1\)/);
    t.sim.store.cordonNode(names[2]!, false);
    const audited = await audit('action=batch.*');
    expect(audited).toEqual([]);
  });
});

describe('max unavailable', () => {
  it('a drain batch with max unavailable 5 never has more than 5 nodes unschedulable, counting ones cordoned before', async () => {
    const before = names.slice(50, 52);
    for (const n of before) t.sim.store.cordonNode(n);
    const batch = names.slice(10, 30);
    // ground truth: every node write in the simulator's store, sampled as it happens
    const cordoned = new Set(names.filter(unschedulable));
    let peak = cordoned.size;
    const off = t.sim.store.subscribe((ev) => {
      if (ev.resource !== 'nodes') return;
      const obj = ev.entry.obj;
      const name = obj.metadata.name;
      if ((obj.spec as { unschedulable?: boolean } | undefined)?.unschedulable && ev.type !== 'DELETED')
        cordoned.add(name);
      else cordoned.delete(name);
      peak = Math.max(peak, cordoned.size);
    });
    expect(cordoned.size).toBe(2);
    // the app has seen the two cordons before the batch starts
    await eventually(
      async () => (await t.api('GET', '/api/v1/clusters/sim/nodes?schedulable=false')).json.total === 2,
      'cache to see the cordons',
    );
    const r = await t.api('POST', ops, {
      kind: 'drain',
      nodes: batch,
      concurrency: 10,
      maxUnavailable: 5,
      params: drainParams,
    });
    expect(r.status, JSON.stringify(r.json)).toBe(202);
    const id = r.json.operation.id as string;
    // "maintenance": a drained node is uncordoned a moment after it finished, freeing its slot
    const waits = new Set<string>();
    const returned = new Set<string>();
    let op = await operation(id);
    while (op.state === 'running') {
      if (op.waiting) waits.add(op.waiting);
      for (const [node, res] of Object.entries(op.results))
        if (res.state === 'succeeded' && !returned.has(node)) {
          returned.add(node);
          setTimeout(() => t.sim.store.cordonNode(node, false), 200);
        }
      await new Promise((res) => setTimeout(res, 100));
      op = await operation(id);
    }
    off();
    expect(op.state, JSON.stringify(op.results)).toBe('succeeded');
    expect(peak).toBeLessThanOrEqual(5);
    // two were cordoned already, so the batch never had more than three of its own out at once
    expect(peak).toBe(5);
    expect([...waits].some((w) => /^5 of at most 5 nodes unavailable/.test(w))).toBe(true);
    console.log(
      `max unavailable 5: peak ${peak} unschedulable (2 cordoned before), ${waits.size} waiting states seen`,
    );

    // audit: one row per node with the operation's id, and the batch row with its real outcome
    const rows = await eventually(async () => {
      const all = (await audit('action=node.drain')).filter((a) => a.parameters?.operation === id);
      return all.length === 20 && all.every((a) => a.result !== 'pending') && all;
    }, 'node audit rows');
    expect(rows.map((a) => a.target).sort()).toEqual([...batch].sort());
    expect(rows.every((a) => a.result === 'success')).toBe(true);
    const [batchRow] = await audit('action=batch.drain');
    expect(batchRow).toMatchObject({ result: 'success', error: null });
    expect(batchRow?.parameters).toMatchObject({ maxUnavailable: 5 });
    for (const n of before) t.sim.store.cordonNode(n, false);
  }, 120_000);
});

describe('stop after failures', () => {
  it('stops after 3 failures, skips the rest untouched, says why, and audits it truthfully', async () => {
    const batch = names.slice(30, 40);
    for (const n of batch.slice(1, 5)) barePod(n, `bare-${n}`);
    const r = await t.api('POST', ops, {
      kind: 'drain',
      nodes: batch,
      concurrency: 1,
      stopAfterFailures: 3,
      params: drainParams,
    });
    expect(r.status).toBe(202);
    const op = await finished(r.json.operation.id as string);
    expect(op.state).toBe('stopped');
    expect(op.reason).toBe('stopped after 3 failed nodes (stop after 3 failures); 6 nodes skipped');
    expect(batch.map((n) => op.results[n]?.state)).toEqual([
      'succeeded',
      'failed',
      'failed',
      'failed',
      ...Array(6).fill('skipped'),
    ]);
    expect(op.results[batch[1]!]?.message).toContain('tick "Force: evict pods without a controller"');
    // a refused drain leaves its node schedulable; skipped nodes were never touched
    expect(batch.slice(1).map(unschedulable)).toEqual(Array(9).fill(false));

    const batchRow = await eventually(async () => {
      const [row] = await audit('action=batch.drain');
      return row?.parameters?.stopAfterFailures === 3 && row.result !== 'pending' && row;
    }, 'batch audit outcome');
    expect(batchRow.result).toBe('stopped');
    expect(batchRow.error).toMatch(
      /^1 succeeded, 3 failed, 6 skipped of 10 nodes; stopped after 3 failed nodes .*; first failure /,
    );
    const rows = (await audit('action=node.drain')).filter((a) => a.parameters?.operation === op.id);
    expect(rows.map((a) => `${a.target} ${a.result}`).sort()).toEqual(
      [`${batch[0]} success`, ...batch.slice(1, 4).map((n) => `${n} failure`)].sort(),
    );
    for (const n of batch.slice(1, 5)) t.sim.store.deletePod('apps', `bare-${n}`);

    // once the cause is gone, a retry runs the failed and skipped nodes, keeping the rules
    const retry = await t.api('POST', `/api/v1/operations/${op.id}/retry`, { includeFailed: true });
    expect(retry.status, JSON.stringify(retry.json)).toBe(202);
    const again = await finished(op.id);
    expect(again.state).toBe('succeeded');
    expect(Object.values(again.results).every((r) => r.state === 'succeeded')).toBe(true);
    const retryRow = await eventually(async () => {
      const row = (await audit('action=operation.retry')).find((a) => a.target === op.id);
      return row?.result !== 'pending' && row;
    }, 'the retry audit outcome');
    expect(retryRow.result).toBe('success');
    for (const n of batch) t.sim.store.cordonNode(n, false);
  }, 60_000);

  it('a batch where some nodes fail is audited as partially failed', async () => {
    const batch = names.slice(40, 44);
    barePod(batch[2]!, 'bare-partial');
    const r = await t.api('POST', ops, { kind: 'drain', nodes: batch, concurrency: 2, params: drainParams });
    const op = await finished(r.json.operation.id as string);
    expect(op.state).toBe('failed');
    const row = await eventually(async () => {
      const [latest] = await audit('action=batch.drain');
      return latest?.result !== 'pending' && latest?.parameters?.nodes?.[0] === batch[0] && latest;
    }, 'batch audit outcome');
    expect(row.result).toBe('partial');
    expect(row.error).toMatch(new RegExp(`^3 succeeded, 1 failed of 4 nodes; first failure ${batch[2]}: `));
    t.sim.store.deletePod('apps', 'bare-partial');
  }, 60_000);
});

describe('cancel', () => {
  it('a cancelled batch is audited as cancelled, and so is the node it was draining', async () => {
    const batch = names.slice(46, 48);
    t.sim.store.create(
      'poddisruptionbudgets',
      {
        metadata: { name: 'hold-cancel' },
        spec: { minAvailable: 100000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
      },
      'apps',
    );
    try {
      const r = await t.api('POST', ops, {
        kind: 'drain',
        nodes: batch,
        concurrency: 1,
        params: drainParams,
      });
      const id = r.json.operation.id as string;
      await eventually(
        async () => (await operation(id)).pods?.[batch[0]!]?.some((p) => p.state === 'waiting_pdb'),
        'the drain to wait on the budget',
      );
      expect((await t.api('POST', `/api/v1/operations/${id}/cancel`)).status).toBe(200);
      const op = await finished(id);
      expect(op.state).toBe('cancelled');
      const row = await eventually(async () => {
        const [latest] = await audit('action=batch.drain');
        return latest?.parameters?.nodes?.[0] === batch[0] && latest?.result !== 'pending' && latest;
      }, 'batch audit outcome');
      expect(row).toMatchObject({
        result: 'cancelled',
        error: '0 succeeded, 2 cancelled of 2 nodes; cancelled by a user',
      });
      const nodeRows = (await audit('action=node.drain')).filter((a) => a.parameters?.operation === id);
      expect(nodeRows.map((a) => `${a.target} ${a.result}`)).toEqual([`${batch[0]} cancelled`]);
    } finally {
      t.sim.store.delete('poddisruptionbudgets', 'apps', 'hold-cancel');
    }
  }, 60_000);
});

describe('drain progress per pod', () => {
  it('pushes evicting, waiting on the named budget with its allowed disruptions, terminating, gone', async () => {
    const node = names[45]!;
    const appPods = t.sim.store
      .listPods({ fieldSelector: `spec.nodeName=${node}` })
      .filter((p) => p.metadata.namespace === 'apps');
    expect(appPods.length).toBeGreaterThan(0);
    t.sim.store.create(
      'poddisruptionbudgets',
      {
        metadata: { name: 'checkout-budget' },
        spec: { minAvailable: 100000, selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } },
      },
      'apps',
    );
    const sse = await SseTestClient.open(`${t.app.url}/api/v1/sse/nodes?cluster=sim`, {
      headers: { cookie: t.cookie },
    });
    try {
      // a second of grace: each pod is seen terminating before it is gone
      const r = await t.api('POST', `/api/v1/clusters/sim/nodes/${node}/drain`, {
        ...drainParams,
        gracePeriodSeconds: 1,
      });
      expect(r.status).toBe(202);
      const id = r.json.operation.id as string;
      const podStates = (m: AnyMessage) =>
        m.type === 'operation_progress' && (m as any).data.operation_id === id
          ? ((m as any).data.pods ?? [])
          : [];
      const waiting = await sse.waitFor(
        (m) => podStates(m).some((p: any) => p.state === 'waiting_pdb'),
        15_000,
        'a pushed PDB wait',
      );
      const pod = podStates(waiting).find((p: any) => p.state === 'waiting_pdb');
      expect(pod).toMatchObject({
        namespace: 'apps',
        pdb: { name: 'checkout-budget', disruptionsAllowed: 0 },
      });
      // the stored operation says the same
      const stored = await operation(id);
      expect(stored.pods?.[node]?.some((p) => p.pdb?.name === 'checkout-budget')).toBe(true);
      t.sim.store.delete('poddisruptionbudgets', 'apps', 'checkout-budget');
      await sse.waitFor((m) => podStates(m).some((p: any) => p.state === 'gone'), 15_000, 'a pod gone');
      const done = await finished(id);
      expect(done.state).toBe('succeeded');
      const seen = new Set(sse.messages.flatMap((m) => podStates(m).map((p: any) => `${p.name}:${p.state}`)));
      const first = appPods[0]!.metadata.name;
      for (const state of ['evicting', 'waiting_pdb', 'terminating', 'gone'])
        expect([...seen], state).toContain(`${first}:${state}`);
      // the single-node drain is audited with its real outcome
      const [row] = await audit('action=node.drain');
      expect(row).toMatchObject({ target: node, result: 'success' });
    } finally {
      sse.close();
    }
  }, 60_000);
});
