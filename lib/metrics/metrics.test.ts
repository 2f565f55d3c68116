import { afterEach, describe, expect, it } from 'vitest';
import { PushHub } from '@/lib/push/hub';
import { RecordingClient, principal } from '@/lib/push/testing/fake-client';
import { FakeChangeSource } from '@/lib/push/testing/fake-source';
import type { ClusterStatusInfo } from '@/lib/realtime/cluster-sync';
import { metrics } from './hooks';
import { readRegistry } from './history';
import { createAppMetrics, type AppMetrics } from './index';

/** A ClusterStatusInfo as the manager reports it for a cluster of `nodes` nodes. */
function status(name: string, over: Partial<ClusterStatusInfo['stats']> = {}): ClusterStatusInfo {
  return {
    name,
    state: 'ready',
    synced: true,
    eventsPerSecond: 3,
    lagMs: 1500,
    syncMs: 640,
    nodes: 5000,
    seq: 42,
    stats: {
      watchRestarts: 3,
      watchRestartsByReason: { nodes: { closed_early: 2 }, pods: { gone: 1 } },
      resourceVersions: { nodes: '1234', pods: 'not-numeric' },
      lists: 3,
      lastListMs: { nodes: 470, pods: 600 },
      eventsReceived: 100,
      eventsEmitted: 60,
      droppedNoise: 40,
      approxBytes: 22_000_000,
      pods: 10_000,
      ...over,
    },
  };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition into samples and TYPE lines (enough for these checks). */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);

const nextTurn = () => new Promise((r) => setImmediate(r));

let app: AppMetrics | undefined;
afterEach(() => app?.close());

function setup() {
  const source = new FakeChangeSource(['a', 'b'], 100);
  const hub = new PushHub({ source, limits: { maxBufferedBytes: 10_000 } });
  const manager = {
    statuses: () => [status('a'), status('b', { eventsReceived: 7 })],
    clusterNames: () => ['a', 'b'],
    stats: () => ({ cacheHits: 9, apiFallbacks: 2 }),
  };
  app = createAppMetrics({
    sources: { manager, hub, dbUp: () => Promise.resolve(true) },
    sampleIntervalMs: 60_000,
  });
  return { source, hub };
}

describe('metrics', () => {
  it('exports the informer, cache and push statistics at scrape time, labelled by cluster, never by node', async () => {
    const { source, hub } = setup();
    const ws1 = new RecordingClient('w1', principal(), 'ws');
    const ws2 = new RecordingClient('w2', principal(), 'ws');
    const sse = new RecordingClient('s1', principal(), 'sse');
    for (const c of [ws1, ws2, sse]) hub.connect(c, [{ cluster: 'a' }]);
    for (let i = 0; i < 5; i++) source.change('a', `node-${i}`);
    await nextTurn();
    hub.subscribe('w1', 'b', 0); // resume (nothing to replay)
    hub.subscribe('w2', 'b', 999); // a seq from the future: resync
    ws2.buffered = 20_000;
    source.change('a', 'node-slow');
    await nextTurn();

    const { samples } = parse(await app!.registry.metrics());
    expect(value(samples, 'knm_informer_state', { cluster: 'a', state: 'ready' })).toBe(1);
    expect(value(samples, 'knm_informer_state', { cluster: 'a', state: 'degraded' })).toBe(0);
    expect(value(samples, 'knm_informer_sync_duration_seconds', { cluster: 'a' })).toBe(0.64);
    expect(value(samples, 'knm_informer_events_received_total', { cluster: 'b' })).toBe(7);
    expect(value(samples, 'knm_informer_events_dropped_total', { cluster: 'a' })).toBe(40);
    expect(
      value(samples, 'knm_informer_watch_restarts_total', { cluster: 'a', reason: 'closed_early' }),
    ).toBe(2);
    expect(
      value(samples, 'knm_informer_watch_restarts_total', { cluster: 'a', resource: 'pods', reason: 'gone' }),
    ).toBe(1);
    expect(value(samples, 'knm_informer_watch_restarts_total', { cluster: 'a', reason: 'watchdog' })).toBe(0);
    expect(value(samples, 'knm_informer_resource_version', { cluster: 'a', resource: 'nodes' })).toBe(1234);
    expect(
      samples.some((s) => s.name === 'knm_informer_resource_version' && s.labels.resource === 'pods'),
    ).toBe(false);
    expect(value(samples, 'knm_cache_nodes', { cluster: 'a' })).toBe(5000);
    expect(value(samples, 'knm_cache_reads_total', { source: 'api' })).toBe(2);
    expect(value(samples, 'knm_push_connections', { transport: 'ws' })).toBe(1); // ws2 was dropped as slow
    expect(value(samples, 'knm_push_connections', { transport: 'sse' })).toBe(1);
    expect(value(samples, 'knm_push_slow_consumers_closed_total', { transport: 'ws' })).toBe(1);
    expect(value(samples, 'knm_push_resumes_total')).toBe(1);
    expect(value(samples, 'knm_push_resyncs_total')).toBe(1);
    // 3 clients × (connected + subscribed + 5 changes) + w1's 2 for b + w2's resync/subscribed + 2 for node-slow
    const sent = ws1.frames.length + ws2.frames.length + sse.frames.length;
    expect(value(samples, 'knm_push_messages_sent_total')).toBe(sent);
    expect(value(samples, 'knm_push_messages_sent_total', { transport: 'sse' })).toBe(sse.frames.length);
    // one delivery observation per change fanned out, once the turn's writes are done
    expect(value(samples, 'knm_push_delivery_seconds_count', { cluster: 'a' })).toBe(6);
    expect(value(samples, 'knm_db_up')).toBe(1);
    expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    const nodeNames = new Set(Array.from({ length: 5 }, (_, i) => `node-${i}`).concat('node-slow'));
    for (const s of samples) {
      expect(Object.keys(s.labels)).not.toContain('node');
      for (const v of Object.values(s.labels)) expect(nodeNames.has(v)).toBe(false);
    }
    hub.dispose();
  });

  it('counts what the call sites report through the global hooks', async () => {
    setup();
    metrics().login('password', 'failure');
    metrics().login('oidc', 'success');
    metrics().loginRateLimited('user+ip');
    metrics().operationStarted('drain');
    metrics().drainBlockedByPdb('a');
    metrics().operationFinished('drain', 'failed', { succeeded: 2, failed: 1 });
    metrics().dbQuery('select', 0.002, false);
    metrics().dbQuery('insert', 0.01, true);
    metrics().httpRequest('GET', '/api/v1/clusters/[cluster]/nodes', 200, 0.004);
    metrics().httpRequest('BREW', 'unmatched', 404, 0.001);
    metrics().informerEventApplied('a', 'nodes', performance.now());

    const { samples } = parse(await app!.registry.metrics());
    expect(value(samples, 'knm_auth_logins_total', { method: 'password', result: 'failure' })).toBe(1);
    expect(value(samples, 'knm_auth_logins_total', { method: 'oidc', result: 'success' })).toBe(1);
    expect(value(samples, 'knm_auth_rate_limited_total', { scope: 'user+ip' })).toBe(1);
    expect(value(samples, 'knm_operations_total', { kind: 'drain', result: 'failed' })).toBe(1);
    expect(value(samples, 'knm_operations_running', { kind: 'drain' })).toBe(0);
    expect(value(samples, 'knm_operation_nodes_total', { kind: 'drain', result: 'succeeded' })).toBe(2);
    expect(value(samples, 'knm_drain_pdb_blocked_total', { cluster: 'a' })).toBe(1);
    expect(value(samples, 'knm_db_errors_total', { statement: 'insert' })).toBe(1);
    expect(value(samples, 'knm_db_query_duration_seconds_count')).toBe(2);
    expect(
      value(samples, 'knm_http_request_duration_seconds_count', {
        route: '/api/v1/clusters/[cluster]/nodes',
        status: '200',
      }),
    ).toBe(1);
    expect(value(samples, 'knm_http_request_duration_seconds_count', { method: 'other' })).toBe(1);
    expect(
      value(samples, 'knm_informer_event_apply_seconds_count', { cluster: 'a', resource: 'nodes' }),
    ).toBe(1);
  });

  it('follows Prometheus naming: knm_ prefix, _total counters, unit-suffixed histograms', async () => {
    setup();
    const { types } = parse(await app!.registry.metrics());
    const ours = [...types].filter(([name]) => name.startsWith('knm_'));
    expect(ours.length).toBeGreaterThan(35);
    for (const [name, type] of ours) {
      expect(name).toMatch(/^knm_[a-z0-9_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_(seconds|bytes)$/);
    }
  });

  it('uninstalls its hooks on close, after which call sites are no-ops', async () => {
    setup();
    app!.close();
    metrics().loginRateLimited('ip');
    const { samples } = parse(await app!.registry.metrics());
    expect(value(samples, 'knm_auth_rate_limited_total', { scope: 'ip' })).toBe(0);
    app = undefined;
  });

  it('feeds the health history from the same registry', async () => {
    const { source, hub } = setup();
    hub.connect(new RecordingClient('w1', principal(), 'ws'), [{ cluster: 'a' }]);
    const first = await readRegistry(app!.registry, 0);
    source.change('a', 'n1');
    await nextTurn();
    const second = await readRegistry(app!.registry, 1000);
    expect(second.clusters.a).toMatchObject({ state: 'ready', nodes: 5000, received: 100, subscriptions: 1 });
    expect(second.heapUsedBytes).toBeGreaterThan(0);
    expect(second.connections).toEqual({ ws: 1, sse: 0 });
    expect(second.messagesSent - first.messagesSent).toBe(1);
    const count = (r: typeof first) => r.clusters.a!.delivery.find(([le]) => le === Infinity)?.[1] ?? 0;
    expect(count(second) - count(first)).toBe(1);
    hub.dispose();
  });
});
