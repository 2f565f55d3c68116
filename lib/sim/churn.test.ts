import { describe, expect, it } from 'vitest';
import { ChurnEngine } from './churn';
import { seedCluster } from './cluster';
import { startNodeLifecycle } from './node-lifecycle';
import { PodController } from './pods';
import { SimStore } from './sim-store';

function cluster(seed: number) {
  const now = 1_700_000_000_000;
  const store = new SimStore({ seed, now: () => now });
  const stopLifecycle = startNodeLifecycle(store);
  const pods = new PodController(store, { podsPerNode: 3, graceSeconds: 0 });
  seedCluster(store, { nodes: 20, podsPerNode: 3, graceSeconds: 0 }, pods);
  const churn = new ChurnEngine(store, pods, seed);
  return { store, pods, churn, stop: () => (churn.stop(), pods.stop(), stopLifecycle()) };
}

const rates = {
  labelsPerSec: 3,
  taintsPerSec: 2,
  cordonsPerSec: 1,
  readyFlapsPerSec: 1,
  nodeAddRemovePerSec: 0.5,
  podChurnPerSec: 2,
};

describe('ChurnEngine', () => {
  it('is deterministic for a seed and actually changes the cluster', () => {
    const a = cluster(42);
    const b = cluster(42);
    const initial = a.store.digest();
    for (const c of [a, b]) {
      c.churn.start(rates);
      c.churn.stop();
      for (let i = 0; i < 30; i++) c.churn.tick();
    }
    expect(a.store.digest()).toBe(b.store.digest());
    expect(a.store.digest()).not.toBe(initial);
    expect(a.store.resourceVersion).toBe(b.store.resourceVersion);
    const c = cluster(43);
    c.churn.start(rates);
    c.churn.stop();
    for (let i = 0; i < 30; i++) c.churn.tick();
    expect(c.store.digest()).not.toBe(a.store.digest());
    for (const x of [a, b, c]) x.stop();
  });

  it('brings flapped nodes back to Ready and keeps the node count near its target', () => {
    const c = cluster(5);
    c.churn.start({ ...rates, readyFlapsPerSec: 2, notReadyTicks: [2, 3] });
    c.churn.stop();
    for (let i = 0; i < 20; i++) c.churn.tick();
    c.churn.start({
      labelsPerSec: 0,
      taintsPerSec: 0,
      cordonsPerSec: 0,
      readyFlapsPerSec: 0,
      nodeAddRemovePerSec: 0,
      podChurnPerSec: 0,
    });
    c.churn.stop();
    for (let i = 0; i < 5; i++) c.churn.tick();
    const notReady = c.store
      .listNodes()
      .filter(
        (n) =>
          (n.status as { conditions: Array<{ type: string; status: string }> }).conditions.find(
            (x) => x.type === 'Ready',
          )?.status !== 'True',
      );
    expect(notReady).toEqual([]);
    expect(Math.abs(c.store.count('nodes') - 20)).toBeLessThanOrEqual(3);
    c.stop();
  });
});
