import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '@/lib/sim';
import { classifyChange } from '@/lib/realtime/classify';
import type { RealtimeManager } from '@/lib/realtime/manager';
import { summarizeNode } from '@/lib/realtime/summarize';
import {
  EventRecorder,
  cacheDigestLines,
  cachePodCounts,
  sleep,
  storeDigestLines,
  storePodCounts,
  until,
} from '@/lib/realtime/testing/harness';
import { startSyncedSim, type SyncedSim } from './helpers/synced-sim';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { NodeChange } from '@/lib/realtime/types';

/**
 * Each fault is injected while churn runs. Afterwards: the cache equals the simulator
 * (names + resourceVersions, pod counts), every node that changed meaningfully during the
 * fault got an emitted change, status went degraded and back to ready, nothing unhandled.
 */

let sim: Simulator;
let mgr: RealtimeManager;
let rec: EventRecorder;
const CHURN = {
  tickMs: 50,
  labelsPerSec: 30,
  taintsPerSec: 8,
  cordonsPerSec: 4,
  readyFlapsPerSec: 4,
  nodeAddRemovePerSec: 1,
  podChurnPerSec: 20,
};

/** What a client sees of a node, apart from pod counts (compared separately, from the pod index). */
const visible = (s: NodeSummary) => [s.labels, s.taints, s.unschedulable, s.status, s.conditions];

function storeSummaries(): Map<string, NodeSummary> {
  return new Map(sim.store.listNodes().map((n) => [n.metadata.name, summarizeNode(n)]));
}

async function scenario(inject: () => Promise<void> | void, faultMs = 800) {
  sim.churn.start(CHURN);
  await sleep(200);
  const before = storeSummaries();
  const seqBefore = mgr.currentSeq('sim');
  const evBefore = rec.events.length;
  await inject();
  await sleep(faultMs);
  sim.churn.stop();
  sim.faults.clear();
  await until(() => mgr.clusterStatus('sim').state === 'ready', 10_000, 'ready after fault');
  await until(
    () => cacheDigestLines(mgr, 'sim').join('\n') === storeDigestLines(sim.store).join('\n'),
    10_000,
    'cache digest == simulator digest',
  );
  await until(
    () =>
      JSON.stringify([...cachePodCounts(mgr, 'sim')].sort()) ===
      JSON.stringify([...storePodCounts(sim.store)].sort()),
    5000,
    'pod counts equal',
  );
  // every node whose meaningful state changed over the fault window got an emitted change
  const after = storeSummaries();
  const emitted = new Set(
    rec
      .changes('sim')
      .filter((c) => c.seq > seqBefore)
      .map((c) => c.name),
  );
  const changed: string[] = [];
  for (const [name, a] of after) {
    const b = before.get(name);
    if (!b || classifyChange(b, a).length > 0) changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) changed.push(name);
  expect(changed.length).toBeGreaterThan(0);
  expect(changed.filter((n) => !emitted.has(n))).toEqual([]);
  // and the last change emitted for each of them carries the node as the simulator now holds it
  const lastEmitted = new Map<string, NodeChange>();
  for (const c of rec.changes('sim')) if (c.seq > seqBefore) lastEmitted.set(c.name, c);
  for (const name of changed) {
    const c = lastEmitted.get(name)!;
    const a = after.get(name);
    if (!a) expect(c.type, name).toBe('node_delete');
    else expect(visible(c.node), name).toEqual(visible(a));
  }
  // cached summaries equal what the simulator holds (dynamic fields)
  for (const [name, s] of after) {
    const c = mgr.getCache('sim')?.getNode(name);
    expect(c && [c.labels, c.taints, c.unschedulable, c.status]).toEqual([
      s.labels,
      s.taints,
      s.unschedulable,
      s.status,
    ]);
  }
  const statuses = rec.events
    .slice(evBefore)
    .flatMap(({ event }) => (event.kind === 'cluster_status' ? [event.status] : []));
  expect(statuses).toContain('degraded');
  expect(statuses[statuses.length - 1]).toBe('ready');
  expect(unhandled()).toEqual([]);
  return { statuses, status: mgr.clusterStatus('sim') };
}

let fixture: SyncedSim;
const unhandled = () => fixture.unhandled;

beforeAll(async () => {
  fixture = await startSyncedSim(
    {
      nodes: 60,
      podsPerNode: 2,
      seed: 11,
      bookmarkIntervalMs: 250,
      nodeStatusIntervalMs: 2000,
    },
    { watchdogMs: 1000, backoff: { initialMs: 50, maxMs: 400 } },
  );
  ({ sim, mgr, rec } = fixture);
});

afterAll(() => fixture?.close());

describe('realtime fault recovery under churn', () => {
  it('cut watches', async () => {
    const r0 = mgr.clusterStatus('sim').stats.watchRestarts;
    await scenario(() => sim.faults.cutWatches());
    expect(mgr.clusterStatus('sim').stats.watchRestarts).toBeGreaterThan(r0);
  });

  it('half-open stall is caught by the watchdog', async () => {
    const { status } = await scenario(() => sim.faults.stallWatches(), 1500);
    expect(status.lastError).toMatch(/silent for 1000 ms/);
  });

  it('410 Gone relists and diffs against the cache', async () => {
    const lists = mgr.clusterStatus('sim').stats.lists;
    await scenario(() => {
      sim.faults.expireNextWatch();
      sim.faults.cutWatches();
    });
    expect(mgr.clusterStatus('sim').stats.lists).toBeGreaterThan(lists);
  });

  it('a burst of 500s', async () => {
    const served = sim.faults.served()[500];
    const started = Date.now();
    // what the cluster looked like while the burst lasted, sampled
    const seen: Array<{ state: string; lastError?: string }> = [];
    const sampler = setInterval(() => {
      const { state, lastError } = mgr.clusterStatus('sim');
      seen.push({ state, lastError });
    }, 10);
    let status;
    try {
      ({ status } = await scenario(() => {
        sim.faults.failNext(6, 500);
        sim.faults.cutWatches();
      }));
    } finally {
      clearInterval(sampler);
    }
    // all six 500s were answered, to this scenario's requests
    expect(sim.faults.served()[500] - served).toBe(6);
    // and they, not only the cut, held the cluster degraded: the error recorded is the 500, from now
    expect(status.lastError).toMatch(/Internal Server Error/);
    expect(status.lastErrorAt).toBeGreaterThanOrEqual(started);
    expect(seen.some((s) => s.state === 'degraded' && /Internal Server Error/.test(s.lastError ?? ''))).toBe(
      true,
    );
  });

  it('a simulator restart', async () => {
    await scenario(async () => {
      await sim.restart();
    });
  });

  it('an apiserver that stalls before response headers (watch abort before Watch returns its controller)', async () => {
    const { status } = await scenario(() => {
      sim.faults.setLatency(4000);
      sim.faults.cutWatches();
    }, 2500);
    expect(status.lastError).toMatch(/silent for 1000 ms/);
    // aborted pre-header requests must not leave sockets behind (client + server side of 2 watches, plus the listener)
    await sleep(200);
    const sockets = process
      .getActiveResourcesInfo()
      .filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length;
    expect(sockets).toBeLessThanOrEqual(8);
  });

  it('heartbeats during all of this were dropped as noise', () => {
    expect(mgr.clusterStatus('sim').stats.droppedNoise).toBeGreaterThan(0);
  });
});
