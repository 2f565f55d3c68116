import { afterEach, describe, expect, it } from 'vitest';
import { nodeQuery } from '@/lib/protocol/node-query';
import { ClusterConfigError, UnknownClusterError } from './errors';
import { RealtimeManager } from './manager';
import { FakeApi } from './testing/fake-transport';
import { rawNode, rawPod } from './testing/node-fixture';
import type { ManagerEvent } from './types';
import { until } from './testing/harness';

const kubeconfig = (server = 'https://127.0.0.1:6443') => `
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`;

let mgr: RealtimeManager | null = null;
afterEach(async () => {
  await mgr?.shutdown();
  mgr = null;
});

function setup(apis: Record<string, FakeApi>) {
  const byServer = new Map(Object.entries(apis));
  mgr = new RealtimeManager({
    watchdogMs: 10_000,
    backoff: { initialMs: 5, maxMs: 20 },
    transport: (kc, path) => (byServer.get(kc.getCurrentCluster()?.server ?? '') as FakeApi).transport(path),
  });
  const events: ManagerEvent[] = [];
  mgr.subscribe((e) => events.push(e));
  return { mgr, events };
}

describe('RealtimeManager', () => {
  it('syncs nodes with pod aggregates, emits classified changes and serves reads from cache', async () => {
    const api = new FakeApi();
    api.put('/api/v1/nodes', rawNode({ name: 'n1' }));
    api.put('/api/v1/nodes', rawNode({ name: 'n2' }));
    api.put('/api/v1/pods', rawPod({ name: 'p1', node: 'n1', cpu: '500m' }));
    const { mgr, events } = setup({ 'https://a:1': api });
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('a').state === 'ready');
    const adds = events.filter((e) => e.kind === 'change').map((e) => e.kind === 'change' && e.change);
    expect(adds.map((c) => c && [c.type, c.name, c.node.pods.cpuRequestsMilli])).toEqual([
      ['node_add', 'n1', 500],
      ['node_add', 'n2', 0],
    ]);
    events.length = 0;
    const rv = api.put('/api/v1/nodes', rawNode({ name: 'n1', unschedulable: true }));
    api.put('/api/v1/nodes', rawNode({ name: 'n2', heartbeat: '2027-01-01T00:00:00Z' }));
    api.put('/api/v1/pods', rawPod({ name: 'p2', node: 'n2' }));
    const changes = events.flatMap((e) =>
      e.kind === 'change' ? [[e.change.name, e.change.changes, e.change.seq]] : [],
    );
    expect(changes).toEqual([
      ['n1', ['schedulable'], 3],
      ['n2', ['pods'], 4],
    ]);
    expect(await mgr.waitForResourceVersion('a', 'n1', rv, 100)).toBe(true);
    expect(await mgr.waitForResourceVersion('a', 'n1', String(Number(rv) + 100), 20)).toBe(false);
    const got = await mgr.getNode('a', 'n1');
    expect(got).toMatchObject({ source: 'cache', synced: true, node: { unschedulable: true } });
    const page = await mgr.listNodes('a', nodeQuery({ schedulable: false }));
    expect(page).toMatchObject({ total: 1, source: 'cache', synced: true });
    const st = mgr.clusterStatus('a');
    expect(st.stats.droppedNoise).toBeGreaterThanOrEqual(1);
    expect(st.syncMs).toBeGreaterThanOrEqual(0);
    expect(mgr.changesSince('a', 2)).toMatchObject({ ok: true });
    expect(mgr.currentSeq('a')).toBe(4);
  });

  it('resolves a waiter when the awaited RV arrives later', async () => {
    const api = new FakeApi();
    api.put('/api/v1/nodes', rawNode({ name: 'n1' }));
    const { mgr } = setup({ 'https://a:1': api });
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('a').state === 'ready');
    const p = mgr.waitForResourceVersion('a', 'n1', '103', 1000);
    api.put('/api/v1/nodes', rawNode({ name: 'n1', labels: { x: '1' } })); // 102
    api.put('/api/v1/nodes', rawNode({ name: 'n1', labels: { x: '2' } })); // 103
    expect(await p).toBe(true);
  });

  it('a throwing listener does not break the pipeline or other listeners', async () => {
    const api = new FakeApi();
    const { mgr, events } = setup({ 'https://a:1': api });
    mgr.subscribe(() => {
      throw new Error('bad listener');
    });
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('a').state === 'ready');
    api.put('/api/v1/nodes', rawNode({ name: 'n1' }));
    api.put('/api/v1/nodes', rawNode({ name: 'n2' }));
    expect(events.filter((e) => e.kind === 'change')).toHaveLength(2);
    expect(mgr.stats().listenerErrors).toBeGreaterThanOrEqual(2);
    expect(mgr.getCache('a')?.size).toBe(2);
  });

  it('clusters are independent: one unreachable is degraded, recovers later; others serve', async () => {
    const good = new FakeApi();
    good.put('/api/v1/nodes', rawNode({ name: 'g1' }));
    const bad = new FakeApi();
    bad.failing = true;
    const { mgr, events } = setup({ 'https://good:1': good, 'https://bad:1': bad });
    mgr.registerCluster('good', kubeconfig('https://good:1'));
    mgr.registerCluster('bad', kubeconfig('https://bad:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('bad').state === 'degraded');
    await until(() => mgr.clusterStatus('good').state === 'ready');
    expect(mgr.clusterStatus('bad').lastError).toMatch(/ECONNREFUSED/);
    expect(mgr.clusterStatus('bad').synced).toBe(false);
    expect((await mgr.getNode('good', 'g1')).source).toBe('cache');
    bad.failing = false;
    bad.put('/api/v1/nodes', rawNode({ name: 'b1' }));
    await until(() => mgr.clusterStatus('bad').state === 'ready', 3000);
    expect(mgr.getCache('bad')?.getNode('b1')).toBeDefined();
    const statuses = events.flatMap((e) =>
      e.kind === 'cluster_status' && e.cluster === 'bad' ? [e.status] : [],
    );
    expect(statuses).toEqual(['degraded', 'ready']);
  });

  it('recovers from a cut watch and goes degraded then ready', async () => {
    const api = new FakeApi();
    const { mgr, events } = setup({ 'https://a:1': api });
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('a').state === 'ready');
    api.cutAll();
    api.put('/api/v1/nodes', rawNode({ name: 'late' })); // no open watch: must come via the resumed watch or relist
    await until(
      () =>
        mgr.clusterStatus('a').state === 'ready' &&
        events.some((e) => e.kind === 'cluster_status' && e.status === 'degraded'),
    );
    expect(mgr.clusterStatus('a').stats.watchRestarts).toBeGreaterThanOrEqual(2);
  });

  it('validates registration input with named errors', () => {
    const { mgr } = setup({ 'https://127.0.0.1:6443': new FakeApi() });
    expect(() => mgr.registerCluster('bad name!', kubeconfig())).toThrow(ClusterConfigError);
    expect(() => mgr.registerCluster('x', '')).toThrow(/kubeconfig is empty/);
    expect(() => mgr.registerCluster('x', 'clusters: 5')).toThrow(ClusterConfigError);
    expect(() => mgr.registerCluster('x', kubeconfig('ftp://nope'))).toThrow(/server 'ftp:\/\/nope'/);
    mgr.registerCluster('x', kubeconfig());
    expect(() => mgr.registerCluster('x', kubeconfig())).toThrow(/already registered/);
    expect(() => mgr.clusterStatus('nope')).toThrow(UnknownClusterError);
    expect(mgr.changesSince('nope', 0)).toEqual({ ok: false, reason: 'unknown_cluster' });
  });

  it('updateCluster restarts with a resync and keeps seq monotonic; unregister + register too', async () => {
    const api = new FakeApi();
    api.put('/api/v1/nodes', rawNode({ name: 'n1' }));
    const { mgr, events } = setup({ 'https://a:1': api, 'https://a:2': api });
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    mgr.start();
    await until(() => mgr.clusterStatus('a').state === 'ready');
    expect(mgr.currentSeq('a')).toBe(1);
    await mgr.updateCluster('a', kubeconfig('https://a:2'));
    expect(events.find((e) => e.kind === 'resync')).toMatchObject({ cluster: 'a', seq: 1 });
    await until(() => mgr.clusterStatus('a').state === 'ready');
    expect(mgr.currentSeq('a')).toBe(2);
    expect(mgr.changesSince('a', 0)).toEqual({ ok: false, reason: 'too_old' });
    await mgr.unregisterCluster('a');
    expect(events.some((e) => e.kind === 'cluster_removed')).toBe(true);
    expect(mgr.hasCluster('a')).toBe(false);
    mgr.registerCluster('a', kubeconfig('https://a:1'));
    await until(() => mgr.clusterStatus('a').state === 'ready');
    expect(mgr.currentSeq('a')).toBe(3);
  });
});
