import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeListResponse } from '@/lib/protocol/api';
import { bindStreamToQueries, followCluster } from './node-stream-binding';
import type { OperationStatus } from './operation';
import { queryKeys } from './query-keys';
import { StreamClient } from './stream-client';
import { FakeClock, fakeTransports } from './stream-fakes';
import { makeEvent, makeList } from './test-fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function setup() {
  const clock = new FakeClock();
  const t = fakeTransports();
  const client = new StreamClient({
    wsUrl: 'ws://h/api/v1/ws/nodes',
    sseUrl: (c) => `/sse?cluster=${c}`,
    createSocket: t.createSocket,
    clock,
  });
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const changed: string[][] = [];
  const unbind = bindStreamToQueries(qc, client, {
    schedule: (fn, ms) => clock.setTimeout(fn, ms),
    cancel: (h) => clock.clearTimeout(h),
    onNodesChanged: (_c, names) => changed.push(names),
  });
  client.start();
  cleanups.push(() => {
    unbind();
    client.stop();
    qc.clear();
  });
  const ws = t.sockets[0]!;
  ws.open();
  // the server's answer to GET /nodes, changed by tests to simulate a refetch
  let served: NodeListResponse = makeList(['a', 'b', 'c'], 10);
  let fetches = 0;
  const observer = new QueryObserver(qc, {
    queryKey: queryKeys.nodes('c1'),
    queryFn: () => {
      fetches++;
      return Promise.resolve(served);
    },
    staleTime: Infinity,
  });
  cleanups.push(observer.subscribe(() => undefined));
  return {
    clock,
    client,
    qc,
    ws,
    changed,
    serve: (l: NodeListResponse) => (served = l),
    fetches: () => fetches,
    list: () => qc.getQueryData<NodeListResponse>(queryKeys.nodes('c1')),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('stream → React Query binding', () => {
  it('subscribes from the fetched list seq and patches the cache with coalesced events', async () => {
    const s = setup();
    cleanups.push(followCluster(s.qc, s.client, 'c1'));
    await settle();
    expect(s.list()?.seq).toBe(10);
    expect(s.ws.sent).toContainEqual({ type: 'subscribe', data: { cluster: 'c1', since: 10 } });

    s.ws.receive(makeEvent('node_update', 'b', 11, { resourceVersion: '2', unschedulable: true }));
    s.ws.receive(makeEvent('node_add', 'd', 12));
    expect(s.list()?.seq).toBe(10); // not yet flushed
    s.clock.advance(50);
    const list = s.list()!;
    expect(list.seq).toBe(12);
    expect(list.items.map((n) => n.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(list.items[1]!.unschedulable).toBe(true);
    expect(s.changed).toEqual([['b', 'd']]);
    // pushed patches are manual cache writes: they must not trigger a resubscribe
    expect(s.ws.sent.filter((m) => (m as { type: string }).type === 'subscribe')).toHaveLength(1);
  });

  it('refetches on a seq gap and resubscribes from the new list, dropping events in between', async () => {
    const s = setup();
    cleanups.push(followCluster(s.qc, s.client, 'c1'));
    await settle();
    expect(s.fetches()).toBe(1);
    s.serve(makeList(['a', 'x'], 20));
    s.ws.receive({ type: 'subscribed', timestamp: 't', cluster_name: 'c1', seq: 10, data: { replayed: 0 } });
    s.ws.receive(makeEvent('node_update', 'a', 13)); // 11 and 12 lost
    s.ws.receive(makeEvent('node_update', 'c', 14)); // dropped while resyncing
    await settle();
    expect(s.fetches()).toBe(2);
    expect(s.list()?.items.map((n) => n.name)).toEqual(['a', 'x']);
    expect(s.ws.sent.at(-1)).toEqual({ type: 'subscribe', data: { cluster: 'c1', since: 20 } });
    s.ws.receive({ type: 'subscribed', timestamp: 't', cluster_name: 'c1', seq: 20, data: { replayed: 0 } });
    s.ws.receive(makeEvent('node_delete', 'x', 21));
    s.clock.advance(50);
    expect(s.list()?.items.map((n) => n.name)).toEqual(['a']);
  });

  it('refetches on a server resync message', async () => {
    const s = setup();
    cleanups.push(followCluster(s.qc, s.client, 'c1'));
    await settle();
    s.serve(makeList(['z'], 3));
    s.ws.receive({ type: 'resync', timestamp: 't', cluster_name: 'c1', seq: 3, data: { reason: 'too_old' } });
    await settle();
    expect(s.list()?.items.map((n) => n.name)).toEqual(['z']);
    expect(s.ws.sent.at(-1)).toEqual({ type: 'subscribe', data: { cluster: 'c1', since: 3 } });
  });

  it('folds operation_progress into the operation query', () => {
    const s = setup();
    const progress = (done: number, state: 'running' | 'succeeded') => ({
      type: 'operation_progress',
      timestamp: 't',
      cluster_name: 'c1',
      data: { operation_id: 'op1', kind: 'cordon', state, total: 2, done, failed: 0 },
    });
    s.ws.receive(progress(1, 'running'));
    s.ws.receive(progress(2, 'succeeded'));
    expect(s.qc.getQueryData<OperationStatus>(queryKeys.operation('op1'))).toMatchObject({
      state: 'succeeded',
      done: 2,
    });
  });

  it('unsubscribes when the cluster is no longer followed', async () => {
    const s = setup();
    const stop = followCluster(s.qc, s.client, 'c1');
    await settle();
    stop();
    expect(s.ws.sent.at(-1)).toEqual({ type: 'unsubscribe', data: { cluster: 'c1' } });
    // events for it are no longer applied
    s.ws.receive(makeEvent('node_delete', 'a', 11));
    s.clock.advance(50);
    expect(s.list()?.items).toHaveLength(3);
  });

  it('patches the cluster tabs from pushed cluster_status', () => {
    const s = setup();
    const base = { kind: 'demo' as const, seq: 0, status: 'ready' as const };
    s.qc.setQueryData(queryKeys.clusters, [
      { ...base, name: 'c1', nodes: 3, ready: 3 },
      { ...base, name: 'c2', nodes: 5, ready: 5 },
    ]);
    s.ws.receive({
      type: 'cluster_status',
      cluster_name: 'c2',
      timestamp: '2026-01-01T00:00:00Z',
      data: { status: 'degraded', error: 'watch failed', nodes: 6, ready: 4 },
    });
    expect(s.qc.getQueryData(queryKeys.clusters)).toEqual([
      { ...base, name: 'c1', nodes: 3, ready: 3 },
      { ...base, name: 'c2', status: 'degraded', error: 'watch failed', nodes: 6, ready: 4 },
    ]);
  });

  it('refetches an open node detail (pods, events) when its node changes, and only that one', async () => {
    const s = setup();
    cleanups.push(followCluster(s.qc, s.client, 'c1'));
    await settle();
    let fetches = 0;
    const detail = new QueryObserver(s.qc, {
      queryKey: queryKeys.node('c1', 'b'),
      queryFn: () => {
        fetches++;
        return Promise.resolve({ summary: s.list()!.items[1], pods: [{ name: `p${fetches}` }] });
      },
      staleTime: Infinity,
    });
    cleanups.push(detail.subscribe(() => undefined));
    await settle();
    expect(fetches).toBe(1);
    s.ws.receive(makeEvent('node_update', 'a', 11));
    s.clock.advance(50);
    await settle();
    expect(fetches).toBe(1); // another node
    s.ws.receive(makeEvent('node_update', 'b', 12, { resourceVersion: '3' }));
    s.ws.receive(makeEvent('node_update', 'b', 13, { resourceVersion: '4' }));
    s.clock.advance(50);
    await settle();
    expect(fetches).toBe(2); // one refetch for the coalesced burst
    expect(s.qc.getQueryData(queryKeys.node('c1', 'b'))).toMatchObject({ pods: [{ name: 'p2' }] });
  });
});
