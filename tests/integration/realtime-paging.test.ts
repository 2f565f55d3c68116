import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@/lib/sim';
import { RealtimeManager } from '@/lib/realtime/manager';
import {
  cacheDigestLines,
  cachePodCounts,
  storeDigestLines,
  storePodCounts,
  until,
} from '@/lib/realtime/testing/harness';

/** More nodes and pods than one list page (500): the continue-token path must see everything. */
let sim: Simulator;
let mgr: RealtimeManager;

beforeAll(async () => {
  sim = await startSimulator({ nodes: 1100, podsPerNode: 1, seed: 5, nodeStatusIntervalMs: 0 });
  mgr = new RealtimeManager({ watchdogMs: 5000, backoff: { initialMs: 50, maxMs: 500 } });
  mgr.registerCluster('big', sim.kubeconfig());
  mgr.start();
  await until(() => mgr.clusterStatus('big').state === 'ready', 30_000, 'ready');
});

afterAll(async () => {
  await mgr?.shutdown();
  await sim?.close();
});

it('a multi-page list fills the cache completely', () => {
  expect(mgr.clusterStatus('big').nodes).toBe(1100);
  expect(cacheDigestLines(mgr, 'big')).toEqual(storeDigestLines(sim.store));
  expect(cachePodCounts(mgr, 'big')).toEqual(storePodCounts(sim.store));
  expect(mgr.clusterStatus('big').stats.pods).toBe(sim.store.listPods().length);
});
