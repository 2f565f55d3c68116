import { afterEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '@/lib/sim';
import { openWatch, request, waitFor } from './sim-http-helpers';

type Cond = { type: string; status: string; lastHeartbeatTime: string; lastTransitionTime: string };

describe('simulator background behaviour', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('renews leases without touching Nodes', async () => {
    sim = await startSimulator({ nodes: 3, leaseIntervalMs: 1000, nodeStatusIntervalMs: 0 });
    const s = sim;
    const name = s.store.nodeNames()[0]!;
    const nodeRv = s.store.getNode(name).metadata.resourceVersion;
    const leaseRv = s.store.tryGet('leases', 'kube-node-lease', name)!.metadata.resourceVersion;
    await waitFor(
      () => s.store.tryGet('leases', 'kube-node-lease', name)!.metadata.resourceVersion !== leaseRv,
      4000,
    );
    expect(s.store.getNode(name).metadata.resourceVersion).toBe(nodeRv);
  });

  it('rewrites node status periodically with only heartbeat timestamps changing', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    sim = await startSimulator({ nodes: 2, leaseIntervalMs: 0, nodeStatusIntervalMs: 1000, now: () => now });
    const s = sim;
    const name = s.store.nodeNames()[0]!;
    const before = s.store.getNode(name);
    const w = openWatch(s, `/api/v1/nodes?watch=true&resourceVersion=${s.store.resourceVersion}`);
    await w.status;
    now += 7_000;
    await waitFor(() => w.events.some((e) => e.object.metadata.name === name), 4000);
    w.close();
    const after = s.store.getNode(name);
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    const conds = (n: typeof after) => (n.status as { conditions: Cond[] }).conditions;
    expect(conds(after).map((c) => c.lastHeartbeatTime)).toEqual(
      conds(after).map(() => '2026-01-01T00:00:07Z'),
    );
    const strip = (n: typeof after) =>
      JSON.stringify({
        ...n,
        metadata: { ...n.metadata, resourceVersion: '' },
        status: {
          ...(n.status as object),
          conditions: conds(n).map((c) => ({ ...c, lastHeartbeatTime: '' })),
        },
      });
    expect(strip(after)).toBe(strip(before));
  });

  it('sends a bookmark shortly before timeoutSeconds; /_sim/digest matches digest()', async () => {
    sim = await startSimulator({ nodes: 2, leaseIntervalMs: 0, nodeStatusIntervalMs: 0 });
    const w = openWatch(
      sim,
      `/api/v1/nodes?watch=true&allowWatchBookmarks=true&timeoutSeconds=2&resourceVersion=${sim.store.resourceVersion}`,
    );
    await w.ended;
    expect(w.events.map((e) => e.type)).toEqual(['BOOKMARK']);
    expect(w.events[0]!.object.metadata.resourceVersion).toBe(sim.store.resourceVersion);
    const d = await request(sim, 'GET', '/_sim/digest');
    expect(d.json).toEqual({ digest: sim.digest(), resourceVersion: sim.store.resourceVersion });
  });

  it('churn started from options changes nodes over time and stops on close', async () => {
    sim = await startSimulator({
      nodes: 10,
      seed: 9,
      churn: {
        tickMs: 50,
        labelsPerSec: 40,
        taintsPerSec: 0,
        cordonsPerSec: 0,
        readyFlapsPerSec: 0,
        nodeAddRemovePerSec: 0,
        podChurnPerSec: 0,
      },
    });
    const d0 = sim.digest();
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.digest()).not.toBe(d0);
    sim.churn.stop();
    const d1 = sim.digest();
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.digest()).toBe(d1);
  });
});

describe('plain HTTP mode', () => {
  it('treats credential-less requests as admin, still rejects wrong tokens', async () => {
    const sim = await startSimulator({ nodes: 1, https: false, leaseIntervalMs: 0 });
    try {
      expect(sim.url).toMatch(/^http:\/\//);
      expect((await request(sim, 'GET', '/api/v1/nodes', { token: null })).status).toBe(200);
      expect((await request(sim, 'GET', '/api/v1/nodes', { token: 'wrong' })).status).toBe(401);
      expect(
        (
          await request(sim, 'PATCH', `/api/v1/nodes/${sim.store.nodeNames()[0]}`, {
            token: sim.readOnlyToken,
            body: {},
            contentType: 'application/merge-patch+json',
          })
        ).status,
      ).toBe(403);
    } finally {
      await sim.close();
    }
  });
});
