import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listNodeUsage, metricsUnavailable } from '@/lib/node-metrics/metrics-api';
import { startSimulator, type Simulator } from '@/lib/sim';

/**
 * The sampler's two reads of metrics.k8s.io through client-node against simulators over HTTPS: the
 * whole list, and named GETs (what a large cluster's table is sampled with).
 */
let sim: Simulator;
let bare: Simulator;
const kubeConfigOf = (s: Simulator) => {
  const kc = new KubeConfig();
  kc.loadFromString(s.kubeconfig());
  return kc;
};

beforeAll(async () => {
  sim = await startSimulator({ nodes: 20, seed: 3 });
  bare = await startSimulator({ nodes: 2, seed: 4, metrics: false });
});
afterAll(async () => {
  await sim?.close();
  await bare?.close();
});

describe('listNodeUsage', () => {
  it('reads only the named nodes, one GET each, leaving out a name without metrics', async () => {
    const names = sim.store.nodeNames().sort();
    const all = await listNodeUsage(kubeConfigOf(sim));
    expect([...all.keys()].sort()).toEqual(names);
    const asked = names.slice(3, 14);
    const some = await listNodeUsage(kubeConfigOf(sim), [...asked, 'not-a-node']);
    expect([...some.keys()].sort()).toEqual(asked);
    for (const [name, u] of some) {
      expect(u.cpuMilli).toBeGreaterThan(0);
      expect(u.memoryBytes).toBeGreaterThan(0);
      expect(all.has(name)).toBe(true);
    }
  });

  it('throws what says "not served" when every named read fails on a cluster without metrics-server', async () => {
    const err = await listNodeUsage(kubeConfigOf(bare), bare.store.nodeNames()).catch((e: unknown) => e);
    expect(metricsUnavailable(err).code).toBe('not_served');
  });
});
