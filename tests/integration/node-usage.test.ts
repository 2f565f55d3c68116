import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@/lib/sim';
import { nodeMetrics } from '@/lib/sim/metrics';
import { nodeUsageHistorySchema, nodeUsageResponseSchema } from '@/lib/protocol/node-usage';
import { cpuMillis, memoryBytes } from '@/lib/shared/quantity';
import { eventually } from './helpers/app-server';
import { client, login } from './helpers/session';
import { startSimApp, type SimApp } from './helpers/sim-app';

/**
 * Node usage from metrics.k8s.io through the real server (dist/server.js) against simulators: one
 * serving metrics ("sim") and one without metrics-server ("bare"), asked as an admin and as a viewer
 * granted only "sim".
 */
let t: SimApp;
let bare: Simulator;
let names: string[];
let viewer: ReturnType<typeof client>;
const usagePath = (cluster: string, q: string) => `/api/v1/clusters/${cluster}/node-usage?${q}`;

beforeAll(async () => {
  t = await startSimApp({ nodes: 12, podsPerNode: 2 });
  names = t.sim.store.nodeNames().sort();
  bare = await startSimulator({ nodes: 3, seed: 5, metrics: false });
  const added = await t.api('POST', '/api/v1/clusters', { name: 'bare', kubeconfig: bare.kubeconfig() });
  expect(added.status).toBeLessThan(300);
  await eventually(
    async () => (await t.api('GET', '/api/v1/clusters/bare/nodes?limit=1')).json?.synced === true,
    'bare synced',
    30_000,
  );
  const u = await t.api('POST', '/api/v1/users', {
    username: 'usage-viewer',
    password: 'usage-viewer-password-1',
    role: 'viewer',
    clusters: ['sim'],
  });
  expect(u.status).toBe(201);
  viewer = client(t.app, await login(t.app, 'usage-viewer', 'usage-viewer-password-1'));
}, 120_000);
afterAll(async () => {
  await t?.close();
  await bare?.close();
});

describe('GET /api/v1/clusters/:cluster/node-usage', () => {
  it("answers the named nodes' usage as the simulator's metrics say, in millicores and bytes", async () => {
    const asked = names.slice(0, 3);
    const r = await t.api('GET', usagePath('sim', `names=${[...asked, 'not-a-node'].join(',')}`));
    expect(r.status).toBe(200);
    const body = nodeUsageResponseSchema.parse(r.json);
    expect(body.unavailable).toBeUndefined();
    expect(body.intervalSeconds).toBe(15);
    expect(Object.keys(body.usage).sort()).toEqual(asked);
    const sampledAt = Date.parse(body.sampledAt!);
    for (const name of asked) {
      // the simulator's usage is a function of time: recompute it for the sample's instant
      const m = nodeMetrics(t.sim.store.getNode(name), sampledAt) as {
        usage: { cpu: string; memory: string };
      };
      const u = body.usage[name]!;
      expect(u.cpuMilli).toBeGreaterThan(0);
      expect(Math.abs(u.cpuMilli - cpuMillis(m.usage.cpu))).toBeLessThan(u.cpuMilli * 0.05);
      expect(Math.abs(u.memoryBytes - memoryBytes(m.usage.memory))).toBeLessThan(u.memoryBytes * 0.05);
    }
    // a second request within the interval is served from the same sample
    const again = nodeUsageResponseSchema.parse(
      (await t.api('GET', usagePath('sim', `names=${asked[0]}`))).json,
    );
    expect(again.sampledAt).toBe(body.sampledAt);
  });

  it('says why, without an error, for a cluster that serves no metrics', async () => {
    const bareNames = bare.store.nodeNames();
    const r = await t.api('GET', usagePath('bare', `names=${bareNames.join(',')}`));
    expect(r.status).toBe(200);
    const body = nodeUsageResponseSchema.parse(r.json);
    expect(body.usage).toEqual({});
    expect(body.unavailable?.code).toBe('not_served');
    expect(body.unavailable?.message).toMatch(/metrics\.k8s\.io/);
  });

  it('answers bad input with 400 naming the field', async () => {
    const missing = await t.api('GET', '/api/v1/clusters/sim/node-usage');
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/^query\.names/);
    const tooMany = Array.from({ length: 501 }, (_, i) => `n${i}`).join(',');
    const many = await t.api('GET', usagePath('sim', `names=${tooMany}`));
    expect(many.status).toBe(400);
    expect(many.json.error.message).toMatch(/query\.names.*500/);
    const bad = await t.api('GET', usagePath('sim', 'names=Not_A_Node'));
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/query\.names/);
    expect((await t.api('GET', usagePath('nope', 'names=a'))).status).toBe(404);
  });

  it('is read-authorized per cluster: a viewer reads the granted cluster and gets 403 for another', async () => {
    const ok = await viewer('GET', usagePath('sim', `names=${names[0]}`));
    expect(ok.status).toBe(200);
    expect(ok.json.usage[names[0]!]).toBeDefined();
    const denied = await viewer('GET', usagePath('bare', 'names=a'));
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('cluster_forbidden');
    const history = await viewer(
      'GET',
      `/api/v1/clusters/bare/nodes/${bare.store.nodeNames()[0]}/usage-history`,
    );
    expect(history.status).toBe(403);
    const anonymous = await fetch(`${t.app.url}${usagePath('sim', `names=${names[0]}`)}`);
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /api/v1/clusters/:cluster/nodes/:node/usage-history', () => {
  it('starts a watched node with a point and scales from its allocatable', async () => {
    const node = names[4]!;
    const r = await t.api('GET', `/api/v1/clusters/sim/nodes/${node}/usage-history`);
    expect(r.status).toBe(200);
    const h = nodeUsageHistorySchema.parse(r.json);
    expect(h).toMatchObject({ cluster: 'sim', node, intervalSeconds: 15, windowSeconds: 3600 });
    expect(h.t.length).toBeGreaterThanOrEqual(1);
    expect(h.cpuMilli.at(-1)).toBeGreaterThan(0);
    expect(h.memoryBytes.at(-1)).toBeGreaterThan(0);
    expect(h.pods.at(-1)).toBe(
      t.sim.store.listPods().filter((p) => (p.spec as { nodeName?: string }).nodeName === node).length,
    );
    const alloc = (t.sim.store.getNode(node).status as { allocatable: Record<string, string> }).allocatable;
    expect(h.allocatable).toEqual({
      cpuMilli: cpuMillis(alloc.cpu),
      memoryBytes: memoryBytes(alloc.memory),
      pods: Number(alloc.pods),
    });
  });

  it('still charts pod counts on a cluster without metrics, and 404s an unknown node', async () => {
    const node = bare.store.nodeNames()[0]!;
    const h = nodeUsageHistorySchema.parse(
      (await t.api('GET', `/api/v1/clusters/bare/nodes/${node}/usage-history`)).json,
    );
    expect(h.unavailable?.code).toBe('not_served');
    expect(h.cpuMilli.at(-1)).toBeNull();
    expect(h.pods.at(-1)).toBe(0);
    expect((await t.api('GET', '/api/v1/clusters/sim/nodes/no-such-node/usage-history')).status).toBe(404);
  });
});
