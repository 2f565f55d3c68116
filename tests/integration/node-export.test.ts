import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCells } from '@/lib/nodes/node-export';
import { exportCsvColumns } from '@/lib/protocol/node-export';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { mergeFleet } from '@/lib/shared/fleet-query';
import { startSimulator, type Simulator } from '@/lib/sim';
import { eventually } from './helpers/app-server';
import { kubectl } from './helpers/kubectl';
import { client, login } from './helpers/session';
import { startSimApp, type SimApp } from './helpers/sim-app';
import { parseCsv } from '@/lib/nodes/testing/parse-csv';

/**
 * Export (CSV / YAML of the table's view) against the real server and simulators, and who cordoned a
 * node when it was done with kubectl rather than through the app.
 */
let t: SimApp;
let other: Simulator;
let dir: string;
let kubeconfig: string;
let names: string[];

async function raw(cookie: string, p: string) {
  const res = await fetch(`${t.app.url}${p}`, { headers: { cookie } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(async () => {
  t = await startSimApp({ nodes: 40, podsPerNode: 2 });
  other = await startSimulator({ nodes: 7, seed: 5 });
  const added = await t.api('POST', '/api/v1/clusters', { name: 'other', kubeconfig: other.kubeconfig() });
  expect(added.status).toBe(201);
  await eventually(
    async () => (await t.api('GET', '/api/v1/clusters/other/nodes')).json?.synced === true,
    'other synced',
    30_000,
  );
  names = t.sim.store.nodeNames().sort();
  dir = await mkdtemp(path.join(os.tmpdir(), 'knm-export-'));
  kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(kubeconfig, t.sim.kubeconfig());
}, 120_000);
afterAll(async () => {
  await t?.close();
  await other?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('export', () => {
  // a label to select one node by, and two taints (one cell)
  beforeAll(async () => {
    t.sim.store.setNodeLabels(names[1]!, { team: 'export' });
    t.sim.store.setNodeTaints(names[2]!, [
      { key: 'note', value: 'x', effect: 'NoSchedule' },
      { key: 'other', effect: 'NoExecute' },
    ]);
    await eventually(
      async () => (await t.api('GET', '/api/v1/clusters/sim/nodes?labelSelector=team')).json.total === 1,
      'label seen',
    );
  });

  const query = 'status=Ready&sort=-cpu';

  it('the CSV holds exactly the REST list for the same query, in its order, with the table columns', async () => {
    const list = await t.api('GET', `/api/v1/clusters/sim/nodes?${query}`);
    const file = await raw(t.cookie, `/api/v1/clusters/sim/export/nodes?format=csv&${query}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="nodes-sim-\d{8}T\d{6}Z\.csv"$/,
    );
    const [header, ...rows] = parseCsv(file.text);
    expect(header).toEqual([...exportCsvColumns]);
    const items = list.json.items as NodeSummary[];
    expect(items.length).toBeGreaterThan(30);
    expect(rows.map((r) => r[0])).toEqual(items.map((n) => n.name));
    expect(rows).toEqual(items.map(csvCells));
    const tainted = rows.find((r) => r[0] === names[2])!;
    expect(tainted[exportCsvColumns.indexOf('taints')]).toBe('note=x:NoSchedule; other:NoExecute');

    // a filtered, windowed query: still the REST list's rows
    const q2 = 'labelSelector=team&limit=5';
    const one = parseCsv((await raw(t.cookie, `/api/v1/clusters/sim/export/nodes?format=csv&${q2}`)).text);
    expect(one.slice(1).map((r) => r[0])).toEqual([names[1]]);
  });

  it('the YAML is the list of the same node summaries, without managedFields', async () => {
    const list = await t.api('GET', `/api/v1/clusters/sim/nodes?${query}`);
    const file = await raw(t.cookie, `/api/v1/clusters/sim/export/nodes?format=yaml&${query}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/\.yaml"$/);
    expect(load(file.text)).toEqual(list.json.items);
    expect(file.text).not.toContain('managedFields');
  });

  it('all clusters: every readable cluster merged in the view order, with a cluster column', async () => {
    const lists = await Promise.all(
      ['sim', 'other'].map(async (c) => ({
        cluster: c,
        nodes: (await t.api('GET', `/api/v1/clusters/${c}/nodes?${query}`)).json.items as NodeSummary[],
      })),
    );
    const file = await raw(t.cookie, `/api/v1/export/nodes?format=csv&${query}`);
    expect(file.status).toBe(200);
    const [header, ...rows] = parseCsv(file.text);
    expect(header).toEqual(['cluster', ...exportCsvColumns]);
    const want = mergeFleet(lists, { sort: 'cpu', dir: 'desc' });
    expect(rows.map((r) => `${r[0]}/${r[1]}`)).toEqual(want.map((f) => `${f.cluster}/${f.node.name}`));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['sim', 'other']));
    const yaml = load((await raw(t.cookie, `/api/v1/export/nodes?format=yaml&${query}`)).text) as Array<{
      cluster: string;
      name: string;
    }>;
    expect(yaml.map((n) => `${n.cluster}/${n.name}`)).toEqual(want.map((f) => `${f.cluster}/${f.node.name}`));
  });

  it('neutralizes formulas: a kubelet-reported version cannot run in a spreadsheet', async () => {
    // node status is written by whoever runs the kubelet, with no syntax rules: a formula gets through.
    // A new node (static attributes such as the version are read when a node is added)
    const node = structuredClone(t.sim.store.getNode(names[3]!));
    node.metadata = { name: 'formula-node', labels: { 'kubernetes.io/hostname': 'formula-node' } };
    (node.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo.kubeletVersion =
      '=HYPERLINK("http://evil.example","x")';
    t.sim.store.create('nodes', node);
    const version = exportCsvColumns.indexOf('version');
    const row = async () =>
      parseCsv((await raw(t.cookie, '/api/v1/clusters/sim/export/nodes?format=csv')).text).find(
        (r) => r[0] === 'formula-node',
      );
    await eventually(async () => (await row())?.[version]?.includes('HYPERLINK'), 'version seen');
    expect((await row())![version]).toBe(`'=HYPERLINK("http://evil.example","x")`);
  });

  it('refuses what other routes refuse: no credentials, an ungranted cluster; bad input names the field', async () => {
    expect((await raw('', '/api/v1/clusters/sim/export/nodes?format=csv')).status).toBe(401);
    expect((await raw('', '/api/v1/export/nodes?format=csv')).status).toBe(401);
    await t.api('POST', '/api/v1/users', {
      username: 'narrow',
      password: 'narrow-password-1',
      role: 'viewer',
      clusters: ['other'],
    });
    const narrow = await login(t.app, 'narrow', 'narrow-password-1');
    const denied = await raw(narrow, '/api/v1/clusters/sim/export/nodes?format=csv');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).error.code).toBe('cluster_forbidden');
    // the all-clusters export holds only what the caller may read
    const mine = parseCsv((await raw(narrow, '/api/v1/export/nodes?format=csv')).text).slice(1);
    expect(mine).toHaveLength(7);
    expect(new Set(mine.map((r) => r[0]))).toEqual(new Set(['other']));
    expect(
      (await client(t.app, narrow)('GET', '/api/v1/clusters/other/export/nodes?format=yaml')).status,
    ).toBe(200);

    for (const p of ['/api/v1/clusters/sim/export/nodes', '/api/v1/export/nodes']) {
      const noFormat = await t.api('GET', p);
      expect(noFormat.status).toBe(400);
      expect(noFormat.json.error.message).toMatch(/^query\.format: /);
      expect((await t.api('GET', `${p}?format=xlsx`)).json.error.message).toMatch(/format.*csv or yaml/);
      const badSel = await t.api('GET', `${p}?format=csv&labelSelector=${encodeURIComponent('a in (')}`);
      expect(badSel.status).toBe(400);
      expect(badSel.json.error.message).toMatch(/labelSelector/);
      expect((await t.api('GET', `${p}?format=csv&sort=nope`)).json.error.message).toMatch(/sort/);
      expect((await t.api('GET', `${p}?format=csv&bogus=1`)).status).toBe(400);
    }
    expect((await t.api('GET', '/api/v1/clusters/nope/export/nodes?format=csv')).status).toBe(404);
  });
});

describe('who cordoned the node', () => {
  const detail = async (n: string) => (await t.api('GET', `/api/v1/clusters/sim/nodes/${n}`)).json;
  const cordonOf = async (n: string) => (await detail(n)).cordon;
  const k = (...args: string[]) => kubectl(args, { kubeconfig });

  it('kubectl cordon: "outside the app", at the time the unschedulable taint was added', async () => {
    const n = names[10]!;
    expect(await cordonOf(n)).toBeNull();
    expect((await k('cordon', n)).code).toBe(0);
    await eventually(async () => (await cordonOf(n))?.source === 'outside', 'outside');
    const d = await detail(n);
    const taint = (d.summary as NodeSummary).taints.find((x) => x.key === 'node.kubernetes.io/unschedulable');
    expect(d.cordon).toEqual(
      taint?.timeAdded ? { source: 'outside', at: taint.timeAdded } : { source: 'outside' },
    );
  });

  it('a cordon through the app: our annotations; with them removed, the audit log; after an uncordon, outside again', async () => {
    const n = names[11]!;
    const r = await t.api('POST', `/api/v1/clusters/sim/nodes/${n}/cordon`, { reason: 'disk swap' });
    expect(r.status).toBe(200);
    expect(await cordonOf(n)).toMatchObject({ source: 'app', by: 'admin', reason: 'disk swap' });

    // someone strips the annotations with kubectl: the audit log still knows
    const strip = await k(
      'annotate',
      'node',
      n,
      'kube-node-manager.io/cordoned-by-',
      'kube-node-manager.io/cordon-reason-',
      'kube-node-manager.io/cordoned-at-',
    );
    expect(strip.code, strip.stderr).toBe(0);
    await eventually(async () => (await cordonOf(n))?.source === 'audit', 'audit');
    expect(await cordonOf(n)).toMatchObject({ source: 'audit', by: 'admin', reason: 'disk swap' });

    // uncordoned through the app, cordoned again with kubectl: not credited to the earlier cordon
    expect((await t.api('POST', `/api/v1/clusters/sim/nodes/${n}/uncordon`)).status).toBe(200);
    expect((await k('cordon', n)).code).toBe(0);
    await eventually(async () => (await cordonOf(n))?.source === 'outside', 'outside after uncordon');
  });
});
